using System.Buffers;
using System.Net;
using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

/// <summary>One watch event, decoded: its type and the projected object (for DELETED and BOOKMARK, its uid and version).</summary>
public readonly record struct WatchEvent(string Type, Resource? Resource, string? Uid, string? ResourceVersion);

/// <summary>Turns one line of a watch stream into an event; an ERROR event or a malformed line throws <see cref="KubeApiException"/>.</summary>
public delegate WatchEvent WatchDecoder(ReadOnlySequence<byte> line, WatchedKind kind, string cluster, Interner interner);

public static class WatchDecoders
{
    /// <summary>Any kind: the line as a JsonDocument, then the kind's projector.</summary>
    public static WatchEvent Document(ReadOnlySequence<byte> line, WatchedKind kind, string cluster, Interner interner)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Malformed(e.Message, e);
        }

        using (document)
        {
            var root = document.RootElement;
            var type = root.Str("type");
            var obj = root.Get("object");
            if (type is null || obj.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("no type or object");
            }

            if (type == "ERROR")
            {
                var code = obj.IntOrNull("code");
                throw new KubeApiException(code is { } c ? (HttpStatusCode)c : null,
                    $"watch error {code}: {obj.Str("reason")} {obj.Str("message")}".TrimEnd());
            }

            var meta = obj.Get("metadata");
            var resource = type is "ADDED" or "MODIFIED"
                ? new Resource(kind.Kind, Projections.Meta(obj, cluster, interner), kind.Project(obj, interner))
                : null;
            return new WatchEvent(type, resource, meta.Str("uid"), meta.Str("resourceVersion"));
        }
    }

    internal static KubeApiException Malformed(string why, Exception? inner = null) =>
        new(null, $"malformed watch event: {why}", inner: inner);
}
