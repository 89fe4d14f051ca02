using System.Buffers;
using System.Text;
using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Server.Watching;

namespace Dashboard.Server.Tests.Fleet;

/// <summary>The fast pod reader must give exactly what the JsonDocument projection gives, for any pod.</summary>
public sealed class PodDecoderTests
{
    public static TheoryData<string> Pods => new()
    {
        Objects.PodJson("shop-1", "u1"),
        Objects.PodJson("bad", "u2", ready: false, waitingReason: "CrashLoopBackOff", restarts: 7),
        Objects.PodJson("pending", "u3", phase: "Pending", ready: false, waitingReason: "ContainerCreating"),
        """{"metadata":{"name":"<script>alert(1)</script>","uid":7,"labels":{"a":1,"b":null,"c":{"x":1}},"ownerReferences":"nope"},"spec":{"containers":"x","nodeName":{"n":1}},"status":{"containerStatuses":[{"ready":"yes","restartCount":"many"},5]}}""",
        """{"metadata":{"name":"going","namespace":"n","uid":"u","resourceVersion":"9","deletionTimestamp":"2026-11-01T00:00:00Z","ownerReferences":[{"kind":"A","name":"a","uid":"1"},{"kind":"B","name":"b","uid":"2","controller":true},{"kind":"C","name":"c","uid":"3"}]},"spec":{"containers":[{"name":"x"},{"image":"i:1"}]},"status":{"phase":"Running","reason":"Evicted","containerStatuses":[{"ready":false,"restartCount":1,"state":{"terminated":{"reason":"OOMKilled"}}},{"ready":true,"state":{"waiting":{"reason":"Ignored"}}}],"conditions":[{"type":"Ready","status":"False"},{"status":"True","type":"Ready"}]}}""",
        """{"metadata":{},"spec":{},"status":{}}""",
        SizedPod,
    };

    private const string SizedPod =
        """{"metadata":{"name":"sized","uid":"s"},"spec":{"containers":[{"image":"a","resources":{"requests":{"cpu":"250m","memory":"128Mi"},"limits":{"cpu":"0.5","memory":"1Gi"}}},{"image":"b","resources":{"requests":{"cpu":1,"memory":"64Mi","nvidia.com/gpu":"1"}}},{"image":"c","resources":"odd"},{"image":"d","resources":{"limits":[1]}}]},"status":{}}""";

    [Fact]
    public void Sums_the_requests_and_limits_of_a_pods_containers()
    {
        var line = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{"type":"ADDED","object":{{SizedPod}}}"""));

        var pod = (Dashboard.Shared.Fleet.PodSpecInfo)PodDecoder.Decode(line, WatchedKinds.ByPlural["pods"], "c1", new Interner()).Resource!.Spec!;

        Assert.Equal(new Dashboard.Shared.Fleet.ComputeResources(1250, 500, 192L << 20, 1L << 30), pod.Resources);
    }

    [Theory]
    [MemberData(nameof(Pods))]
    public void Reads_a_pod_as_the_document_projection_does(string pod)
    {
        var interner = new Interner();
        var kind = WatchedKinds.ByPlural["pods"];
        var line = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{"type":"MODIFIED","object":{{pod}}}"""));

        var fast = PodDecoder.Decode(line, kind, "c1", interner);
        var slow = WatchDecoders.Document(line, kind, "c1", interner);

        Assert.Equal("MODIFIED", fast.Type);
        Assert.Equal(JsonSerializer.Serialize(slow.Resource), JsonSerializer.Serialize(fast.Resource));
        Assert.Equal(slow.Uid, fast.Uid);
        Assert.Equal(slow.ResourceVersion, fast.ResourceVersion);
    }

    [Fact]
    public void Reads_a_line_split_across_buffers()
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{"type":"ADDED","object":{{Objects.PodJson("split", "u9")}}}""");
        var first = new Segment(bytes.AsMemory(0, 700));
        var last = first.Append(bytes.AsMemory(700));
        var line = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        var e = PodDecoder.Decode(line, WatchedKinds.ByPlural["pods"], "c1", new Interner());

        Assert.Equal("split", e.Resource!.Meta.Name);
    }

    [Fact]
    public void An_error_event_and_a_malformed_line_are_errors()
    {
        var kind = WatchedKinds.ByPlural["pods"];
        var error = new ReadOnlySequence<byte>("""{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"""u8.ToArray());
        var broken = new ReadOnlySequence<byte>("""{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"""u8.ToArray());

        var gone = Assert.Throws<KubeApiException>(() => PodDecoder.Decode(error, kind, "c1", new Interner()));
        Assert.True(gone.IsGone);
        Assert.Contains("malformed", Assert.Throws<KubeApiException>(() => PodDecoder.Decode(broken, kind, "c1", new Interner())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleted_and_bookmark_events_carry_uid_and_version()
    {
        var kind = WatchedKinds.ByPlural["pods"];
        var deleted = PodDecoder.Decode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{"type":"DELETED","object":{{Objects.PodJson("x", "u5", rv: "77")}}}""")), kind, "c1", new Interner());
        var bookmark = PodDecoder.Decode(new ReadOnlySequence<byte>("""{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"99"}}}"""u8.ToArray()), kind, "c1", new Interner());

        Assert.Equal(("DELETED", "u5", "77"), (deleted.Type, deleted.Uid, deleted.ResourceVersion));
        Assert.Null(deleted.Resource);
        Assert.Equal(("BOOKMARK", "99"), (bookmark.Type, bookmark.ResourceVersion));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
