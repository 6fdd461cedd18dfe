import Foundation

extension AuditLogSink: AuditLookup, AuditMaintenance {}
