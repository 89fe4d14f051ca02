using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Api;

/// <summary>
/// Decodes the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) for the simple kinds kubectl 1.33 sends as protobuf
/// (create namespace / configmap / secret / serviceaccount). Other kinds get 415 with a clear message.
/// </summary>
internal static class Protobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonObject Decode(byte[] body, ResourceKind kind)
    {
        if (!body.AsSpan().StartsWith(Magic))
        {
            throw ApiException.BadRequest("the protobuf body does not start with the Kubernetes magic number");
        }

        byte[]? raw = null;
        string? apiVersion = null;
        string? kindName = null;
        foreach (var (field, value) in Fields(body.AsMemory(Magic.Length)))
        {
            if (field == 1)
            {
                foreach (var (f, v) in Fields(value))
                {
                    if (f == 1)
                    {
                        apiVersion = Text(v);
                    }
                    else if (f == 2)
                    {
                        kindName = Text(v);
                    }
                }
            }
            else if (field == 2)
            {
                raw = value.ToArray();
            }
        }

        if (raw is null || kindName != kind.Kind)
        {
            throw ApiException.BadRequest($"the kind in the body ({kindName}) does not match the kind of the path ({kind.Kind})");
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion ?? kind.ApiVersion, ["kind"] = kind.Kind };
        var data = new JsonObject();
        foreach (var (field, value) in Fields(raw))
        {
            switch (kind.Kind, field)
            {
                case (_, 1):
                    obj["metadata"] = Metadata(value);
                    break;
                case ("ConfigMap", 2):
                    Entry(data, value, base64: false);
                    break;
                case ("Secret", 2):
                    Entry(data, value, base64: true);
                    break;
                case ("Secret", 3):
                    obj["type"] = Text(value);
                    break;
                case ("Deployment", 2):
                    obj["spec"] = DeploymentSpec(value);
                    break;
                case ("Namespace" or "ConfigMap" or "Secret" or "ServiceAccount" or "Deployment", _):
                    break;
                default:
                    throw new ApiException(415, "UnsupportedMediaType", $"this simulator decodes protobuf bodies only for Namespace, ConfigMap, Secret, ServiceAccount and Deployment; send {kind.Kind} as application/json");
            }
        }

        if (kind.Kind is not ("Namespace" or "ConfigMap" or "Secret" or "ServiceAccount" or "Deployment"))
        {
            throw new ApiException(415, "UnsupportedMediaType", $"this simulator decodes protobuf bodies only for Namespace, ConfigMap, Secret, ServiceAccount and Deployment; send {kind.Kind} as application/json");
        }

        if (data.Count > 0)
        {
            obj["data"] = data;
        }

        return obj;
    }

    private static JsonObject Metadata(ReadOnlyMemory<byte> bytes)
    {
        var meta = new JsonObject();
        var labels = new JsonObject();
        var annotations = new JsonObject();
        foreach (var (field, value) in Fields(bytes))
        {
            switch (field)
            {
                case 1:
                    meta["name"] = Text(value);
                    break;
                case 2:
                    meta["generateName"] = Text(value);
                    break;
                case 3:
                    meta["namespace"] = Text(value);
                    break;
                case 11:
                    Entry(labels, value, base64: false);
                    break;
                case 12:
                    Entry(annotations, value, base64: false);
                    break;
            }
        }

        if (labels.Count > 0)
        {
            meta["labels"] = labels;
        }

        if (annotations.Count > 0)
        {
            meta["annotations"] = annotations;
        }

        return meta;
    }

    /// <summary>What kubectl create deployment sends: replicas, selector, and a template with containers (name, image, ports).</summary>
    private static JsonObject DeploymentSpec(ReadOnlyMemory<byte> bytes)
    {
        var spec = new JsonObject { ["replicas"] = Number(bytes, 1) ?? 1 };
        foreach (var (field, value) in Fields(bytes))
        {
            if (field == 2)
            {
                var matchLabels = new JsonObject();
                foreach (var (f, v) in Fields(value).Where(x => x.Field == 1))
                {
                    Entry(matchLabels, v, base64: false);
                }

                spec["selector"] = new JsonObject { ["matchLabels"] = matchLabels };
            }
            else if (field == 3)
            {
                var template = new JsonObject();
                foreach (var (f, v) in Fields(value))
                {
                    if (f == 1)
                    {
                        template["metadata"] = Metadata(v);
                    }
                    else if (f == 2)
                    {
                        var containers = new JsonArray();
                        foreach (var (cf, cv) in Fields(v).Where(x => x.Field == 2))
                        {
                            containers.Add(Container(cv));
                        }

                        template["spec"] = new JsonObject { ["containers"] = containers };
                    }
                }

                spec["template"] = template;
            }
        }

        return spec;
    }

    private static JsonObject Container(ReadOnlyMemory<byte> bytes)
    {
        var container = new JsonObject();
        var ports = new JsonArray();
        var command = new JsonArray();
        var args = new JsonArray();
        foreach (var (field, value) in Fields(bytes))
        {
            switch (field)
            {
                case 1:
                    container["name"] = Text(value);
                    break;
                case 2:
                    container["image"] = Text(value);
                    break;
                case 3:
                    command.Add(Text(value));
                    break;
                case 4:
                    args.Add(Text(value));
                    break;
                case 6:
                    var port = new JsonObject { ["containerPort"] = Number(value, 3) ?? 0 };
                    foreach (var (pf, pv) in Fields(value))
                    {
                        if (pf == 1 && pv.Length > 0)
                        {
                            port["name"] = Text(pv);
                        }
                        else if (pf == 4 && pv.Length > 0)
                        {
                            port["protocol"] = Text(pv);
                        }
                    }

                    ports.Add(port);
                    break;
            }
        }

        if (command.Count > 0)
        {
            container["command"] = command;
        }

        if (args.Count > 0)
        {
            container["args"] = args;
        }

        if (ports.Count > 0)
        {
            container["ports"] = ports;
        }

        container["resources"] = new JsonObject();
        return container;
    }

    private static void Entry(JsonObject map, ReadOnlyMemory<byte> entry, bool base64)
    {
        string? key = null;
        JsonNode? value = "";
        foreach (var (field, bytes) in Fields(entry))
        {
            if (field == 1)
            {
                key = Text(bytes);
            }
            else if (field == 2)
            {
                value = base64 ? Convert.ToBase64String(bytes.Span) : Text(bytes);
            }
        }

        if (key is not null)
        {
            map[key] = value;
        }
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The length-delimited fields of a message (varint and fixed fields are skipped).</summary>
    private static List<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message) =>
        AllFields(message).Where(f => f.Wire == 2).Select(f => (f.Field, f.Value)).ToList();

    private static long? Number(ReadOnlyMemory<byte> message, int field) =>
        AllFields(message).Where(f => f.Wire == 0 && f.Field == field).Select(f => (long?)f.Number).LastOrDefault();

    private static List<(int Field, int Wire, ReadOnlyMemory<byte> Value, long Number)> AllFields(ReadOnlyMemory<byte> message)
    {
        var result = new List<(int, int, ReadOnlyMemory<byte>, long)>();
        var span = message.Span;
        var i = 0;
        while (i < span.Length)
        {
            var tag = Varint(span, ref i);
            var wire = (int)(tag & 7);
            var field = (int)(tag >> 3);
            switch (wire)
            {
                case 0:
                    result.Add((field, 0, ReadOnlyMemory<byte>.Empty, (long)Varint(span, ref i)));
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref i);
                    if (length < 0 || i + length > span.Length)
                    {
                        throw ApiException.BadRequest("truncated protobuf body");
                    }

                    result.Add((field, 2, message.Slice(i, length), 0));
                    i += length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    throw ApiException.BadRequest($"unsupported protobuf wire type {wire}");
            }
        }

        return result;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= span.Length)
            {
                throw ApiException.BadRequest("truncated protobuf varint");
            }

            var b = span[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw ApiException.BadRequest("malformed protobuf varint");
    }
}
