import Foundation
import Testing
@testable import HostAgent

@Suite("Agent configuration and schedules") struct AgentPureTests {
    @Test func backoffDoublesWithJitterAndCapsAtThirtySeconds() {
        var b = ReconnectBackoff(base: .milliseconds(250), cap: .seconds(30))
        // random 1.0 gives the ceiling, 0.0 half of it.
        #expect(b.nextDelay(random: 1) == .milliseconds(250))
        #expect(b.nextDelay(random: 1) == .milliseconds(500))
        #expect(b.nextDelay(random: 0) == .milliseconds(500))  // half of 1 s
        for _ in 0..<20 { _ = b.nextDelay(random: 1) }
        #expect(b.nextDelay(random: 1) == .seconds(30))
        #expect(b.nextDelay(random: 0) == .seconds(15))
        b.reset()
        #expect(b.nextDelay(random: 1) == .milliseconds(250))
    }

    @Test func firstRetriesAfterAnOutageAreQuickEnoughToReturnWithinFiveSeconds() {
        // Worst case (no jitter luck) over the first 4 attempts stays under 5 s in total.
        var b = ReconnectBackoff()
        let total = (0..<4).map { _ in b.nextDelay(random: 1) }.reduce(Duration.zero, +)
        #expect(total < .seconds(5))
    }

    @Test func kubernetesLabelsComeFromAFakeKubeletConfigAndExplicitLabelsWin() throws {
        let dir = NSTemporaryDirectory() + "k8s-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let flags = dir + "/kubeadm-flags.env"
        try "KUBELET_ARGS=--node-labels=eks.amazonaws.com/nodegroup=ng-blue,alpha.eksctl.io/cluster-name=prod-eu --v=2\n"
            .write(toFile: flags, atomically: true, encoding: .utf8)
        let k = KubernetesLabels(kubeletConfigPaths: [dir + "/missing.json", flags])
        #expect(k.labels(merging: [:]) == ["eks:cluster-name": "prod-eu", "eks:nodegroup-name": "ng-blue"])
        #expect(k.labels(merging: ["eks:cluster-name": "override", "team": "web"])
                == ["eks:cluster-name": "override", "eks:nodegroup-name": "ng-blue", "team": "web"])
        #expect(KubernetesLabels(kubeletConfigPaths: [dir + "/none"]).labels(merging: ["a": "b"]) == ["a": "b"])
    }

    @Test func ec2TagsFileMarksANode() throws {
        let path = NSTemporaryDirectory() + "tags-\(UUID().uuidString)"
        try "Name=web-1\neks:cluster-name=staging\neks:nodegroup-name=spot\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let k = KubernetesLabels(kubeletConfigPaths: [], ec2TagsPath: path)
        #expect(k.labels(merging: [:]) == ["eks:cluster-name": "staging", "eks:nodegroup-name": "spot"])
    }

    @Test func configFileParsesKeysAndLabelsAndRejectsTypos() throws {
        let file = try AgentConfigFile.parse("""
            # agent
            server = "http://127.0.0.1:8443"   # comment
            state_dir = "/var/lib/gangway"
            heartbeat = 5
            [labels]
            team = "web"
            "eks:cluster-name" = "prod"
            """)
        #expect(file.values["server"] == "http://127.0.0.1:8443")
        #expect(file.values["heartbeat"] == "5")
        #expect(file.labels == ["team": "web", "eks:cluster-name": "prod"])
        #expect(throws: HostAgentError.self) { try AgentConfigFile.parse("sever = \"x\"") }
    }

    @Test func interactiveShellContentIsParsed() {
        let content = #"{"SessionId":"alice-0123456789abcdef0","RunAsUser":"","SessionOwner":"alice","Cols":132,"Rows":43}"#
        let payload = try! JSONSerialization.data(withJSONObject: ["Content": content, "TaskId": "alice-0123456789abcdef0",
                                                                    "Topic": "aws.ssm.sessionManager.interactive_shell", "SchemaVersion": 1])
        let r = InteractiveShellRequest.parse(Array(payload))
        #expect(r?.sessionId == "alice-0123456789abcdef0")
        #expect(r?.cols == 132 && r?.rows == 43)
        #expect(InteractiveShellRequest.parse(Array(#"{"Content":"{\"SessionId\":\"../etc\"}"}"#.utf8)) == nil)
    }

    @Test func identityIsStoredWithMode0600() throws {
        let dir = NSTemporaryDirectory() + "id-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let id = AgentIdentity(instanceId: "mi-0123456789abcdef0", accessKeyId: "AKGW", secretAccessKey: "s3cret")
        try id.save(stateDir: dir)
        #expect(try AgentIdentity.load(stateDir: dir) == id)
        let attrs = try FileManager.default.attributesOfItem(atPath: AgentIdentity.path(stateDir: dir))
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
