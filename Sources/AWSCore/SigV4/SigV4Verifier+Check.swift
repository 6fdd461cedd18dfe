import Foundation

extension SigV4Verifier {
    /// Checks a parsed authorization against the key the server holds for its access key id
    /// (`nil`: no such key). Order: key, scope date, signature, then clock skew, so a correctly
    /// signed but stale request is reported as "Signature expired" (the thing to fix is the clock).
    public func check(_ auth: ParsedAuthorization, request: SigV4IncomingRequest, key: SigV4KeyRecord?,
                      now: Date) throws -> SigV4VerifiedIdentity {
        guard let key else { throw SigV4Error.unknownKey }
        guard let date = AmzDate(parsing: auth.amzDate) else {
            throw SigV4Error.incomplete("X-Amz-Date must have the form YYYYMMDD'T'HHMMSS'Z'.")
        }
        guard date.day == auth.day else {
            throw SigV4Error(.invalidSignature,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(auth.day.prefix(16))' != '\(date.day)', from '\(auth.amzDate)'.")
        }

        let headerBlock: String
        if auth.presigned {
            guard let block = SigV4Canonical.canonicalHeaders(request.headers, signed: auth.signedHeaders)?.block else {
                throw SigV4Error.mismatch
            }
            headerBlock = block
        } else {
            guard let block = SigV4Canonical.canonicalHeaders(request.headers, signed: auth.signedHeaders)?.block else {
                let absent = auth.signedHeaders.filter { request.header($0) == nil }
                throw SigV4Error(.invalidSignature,
                    "The request signature we calculated does not match the signature you provided: signed header(s) \(absent.prefix(5).joined(separator: ", ")) missing from the request.")
            }
            headerBlock = block
        }

        let query = SigV4Canonical.canonicalQuery(SigV4Canonical.queryPairs(rawQuery: request.query),
                                                  excluding: auth.presigned ? "X-Amz-Signature" : nil)
        let bodyHash = SigV4Canonical.sha256Hex(request.body)
        var payloadHashes: [String]
        if auth.presigned {
            payloadHashes = [bodyHash, SigV4Canonical.unsignedPayload]
        } else if let claimed = request.header("x-amz-content-sha256") {
            if claimed == SigV4Canonical.unsignedPayload {
                guard allowUnsignedPayload else {
                    throw SigV4Error(.invalidSignature, "UNSIGNED-PAYLOAD is not accepted here; sign the request body.")
                }
                payloadHashes = [claimed]
            } else if claimed.lowercased() == bodyHash {
                payloadHashes = [bodyHash]
            } else {
                throw SigV4Error(.invalidSignature,
                    "The provided 'x-amz-content-sha256' header does not match what was computed from the request body.")
            }
        } else {
            payloadHashes = [bodyHash]
        }

        let uris = Self.candidateURIs(rawPath: request.path, service: auth.service)
        let scope = SigV4Canonical.scope(day: auth.day, region: auth.region, service: auth.service)
        let signingKey = SigV4Canonical.signingKey(secret: key.secretAccessKey, day: auth.day,
                                                   region: auth.region, service: auth.service)
        var matched = false
        outer: for uri in uris {
            for payloadHash in payloadHashes {
                let creq = SigV4Canonical.canonicalRequest(
                    method: request.method.uppercased(), uri: uri, query: query, headerBlock: headerBlock,
                    signedNames: auth.signedHeaders.joined(separator: ";"), payloadHash: payloadHash)
                let sts = SigV4Canonical.stringToSign(dateTime: auth.amzDate, scope: scope, canonicalRequest: creq)
                if SigV4Canonical.constantTimeEquals(SigV4Canonical.signature(signingKey: signingKey, stringToSign: sts),
                                                     auth.signature) {
                    matched = true
                    break outer
                }
            }
        }
        guard matched else { throw SigV4Error.mismatch }

        try checkClock(auth, date: date, now: now)
        return SigV4VerifiedIdentity(accessKeyId: auth.accessKeyId, principal: key.principal, region: auth.region,
                                     service: auth.service, signedHeaders: auth.signedHeaders,
                                     securityToken: auth.securityToken, presigned: auth.presigned)
    }

    private func checkClock(_ auth: ParsedAuthorization, date: AmzDate, now: Date) throws {
        let nowDate = AmzDate(now)
        let delta = Double(date.epochSeconds - nowDate.epochSeconds)
        let minutes = Int(maxClockSkew / 60)
        if delta > maxClockSkew {
            let limit = AmzDate(epochSeconds: nowDate.epochSeconds + Int64(maxClockSkew))
            throw SigV4Error(.invalidSignature,
                "Signature not yet current: \(auth.amzDate) is still later than \(limit.dateTime) (\(nowDate.dateTime) + \(minutes) min.)")
        }
        if auth.presigned {
            let end = date.epochSeconds + Int64(auth.expires ?? 900)
            if nowDate.epochSeconds > end {
                throw SigV4Error(.invalidSignature,
                    "Signature expired: the presigned URL was valid until \(AmzDate(epochSeconds: end).dateTime), it is now \(nowDate.dateTime).")
            }
        } else if -delta > maxClockSkew {
            let limit = AmzDate(epochSeconds: nowDate.epochSeconds - Int64(maxClockSkew))
            throw SigV4Error(.invalidSignature,
                "Signature expired: \(auth.amzDate) is now earlier than \(limit.dateTime) (\(nowDate.dateTime) - \(minutes) min.)")
        }
    }

    /// The canonical URI per the AWS test suite (decoded path encoded once), then botocore's form for
    /// non-S3 services (the wire path encoded again, so `%` becomes `%25`), when that differs.
    static func candidateURIs(rawPath: String, service: String) -> [String] {
        let single = SigV4Canonical.canonicalURI(rawPath: rawPath, service: service)
        guard service != "s3", rawPath.utf8.contains(UInt8(ascii: "%")) else { return [single] }
        let double = SigV4Canonical.uriEncode(SigV4Canonical.normalizePath(rawPath), keepSlash: true)
        return double == single ? [single] : [single, double]
    }
}
