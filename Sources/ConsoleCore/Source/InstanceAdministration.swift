/// Optional capability of a `FleetSource`: removing a decommissioned instance from the fleet
/// (`DeregisterManagedInstance`). Sources without it (or a denied call) make the console say so.
public protocol InstanceAdministration: Sendable {
    /// Deregisters `instanceId`; throws an error whose description says why not (access denied, unknown id).
    func deregister(instanceId: String) async throws
}
