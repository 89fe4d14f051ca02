using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Watching;

/// <summary>
/// Pods are most of a fleet's events, and most of a pod's bytes (managedFields, volumes, env, probes) are
/// of no use to the screens. This reads a pod's watch line once with a Utf8JsonReader, skipping what it does
/// not need, into exactly what <see cref="Projections.Pod"/> and <see cref="Projections.Meta"/> make from a
/// JsonDocument (a test holds the two to the same answers). Anything unexpected falls back to the document.
/// </summary>
public static class PodDecoder
{
    public static WatchEvent Decode(ReadOnlySequence<byte> line, WatchedKind kind, string cluster, Interner interner)
    {
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return WatchDecoders.Document(line, kind, cluster, interner);
            }

            string? type = null;
            Pod? pod = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = Scalar(ref reader);
                }
                else if (reader.ValueTextEquals("object"u8) && type is null or "ADDED" or "MODIFIED" or "DELETED" or "BOOKMARK")
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return WatchDecoders.Document(line, kind, cluster, interner);
                    }

                    pod = ReadPod(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (type is not ("ADDED" or "MODIFIED" or "DELETED" or "BOOKMARK") || pod is null)
            {
                return WatchDecoders.Document(line, kind, cluster, interner); // ERROR, or something odd: the slow, thorough way
            }

            var resource = type is "ADDED" or "MODIFIED" ? pod.ToResource(kind.Kind, cluster, interner) : null;
            return new WatchEvent(type, resource, pod.Uid, pod.ResourceVersion);
        }
        catch (JsonException e)
        {
            throw WatchDecoders.Malformed(e.Message, e);
        }
    }

    private sealed class Pod
    {
        public string? Name;
        public string? Namespace;
        public string? Uid;
        public string? ResourceVersion;
        public DateTime? Created;
        public bool Deleting;
        public List<KeyValuePair<string, string>>? Labels;
        public (string Kind, string Name, string Uid)? Owner;
        public string? NodeName;
        public List<string>? Images;
        public ResourceSum Resources;
        public string? Phase;
        public string? Reason;
        public string? PodIp;
        public DateTime? Started;
        public string? QosClass;
        public bool Ready;
        public List<(bool Ready, int Restarts, string? Why)>? Statuses;

        public Resource ToResource(string kind, string cluster, Interner interner)
        {
            var statuses = Statuses ?? [];
            var reason = Reason;
            foreach (var s in statuses)
            {
                if (s.Why is not null && !s.Ready)
                {
                    reason = s.Why;
                    break;
                }
            }

            if (Deleting)
            {
                reason = "Terminating";
            }

            var images = Images ?? [];
            var meta = new Meta(cluster, interner.InternOrNull(Namespace), Name ?? "", Uid ?? "", ResourceVersion ?? "", Created,
                interner.Labels(Labels), Owner is { } o ? new OwnerRef(interner.Intern(o.Kind), interner.Intern(o.Name), interner.Intern(o.Uid)) : null);
            var spec = new PodSpecInfo(
                interner.Intern(Phase ?? "Unknown"),
                interner.InternOrNull(reason),
                statuses.Count(s => s.Ready),
                Math.Max(images.Count, statuses.Count),
                statuses.Sum(s => s.Restarts),
                interner.InternOrNull(NodeName),
                PodIp,
                interner.List(images),
                Started,
                Ready,
                interner.InternOrNull(QosClass),
                interner.Share(Resources.Result));
            return new Resource(kind, meta, spec);
        }
    }

    private static Pod ReadPod(ref Utf8JsonReader reader)
    {
        var pod = new Pod();
        ForEachProperty(ref reader, pod, static (ref Utf8JsonReader r, Pod p) =>
        {
            if (r.ValueTextEquals("metadata"u8))
            {
                r.Read();
                ReadMetadata(ref r, p);
            }
            else if (r.ValueTextEquals("spec"u8))
            {
                r.Read();
                ReadSpec(ref r, p);
            }
            else if (r.ValueTextEquals("status"u8))
            {
                r.Read();
                ReadStatus(ref r, p);
            }
            else
            {
                r.Read();
                SkipValue(ref r);
            }
        });
        return pod;
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Pod pod) =>
        ForEachProperty(ref reader, pod, static (ref Utf8JsonReader r, Pod p) =>
        {
            if (r.ValueTextEquals("name"u8))
            {
                r.Read();
                p.Name = Scalar(ref r);
            }
            else if (r.ValueTextEquals("namespace"u8))
            {
                r.Read();
                p.Namespace = Scalar(ref r);
            }
            else if (r.ValueTextEquals("uid"u8))
            {
                r.Read();
                p.Uid = Scalar(ref r);
            }
            else if (r.ValueTextEquals("resourceVersion"u8))
            {
                r.Read();
                p.ResourceVersion = Scalar(ref r);
            }
            else if (r.ValueTextEquals("creationTimestamp"u8))
            {
                r.Read();
                p.Created = Time(Scalar(ref r));
            }
            else if (r.ValueTextEquals("deletionTimestamp"u8))
            {
                r.Read();
                p.Deleting = Scalar(ref r) is not null;
            }
            else if (r.ValueTextEquals("labels"u8))
            {
                r.Read();
                p.Labels = null;
                ForEachProperty(ref r, p, static (ref Utf8JsonReader l, Pod q) =>
                {
                    var key = l.GetString()!;
                    l.Read();
                    (q.Labels ??= []).Add(new(key, Scalar(ref l) ?? ""));
                });
            }
            else if (r.ValueTextEquals("ownerReferences"u8))
            {
                r.Read();
                ForEachItem(ref r, p, static (ref Utf8JsonReader o, Pod q) =>
                {
                    string? kind = null, name = null, uid = null;
                    var controller = false;
                    if (o.TokenType != JsonTokenType.StartObject)
                    {
                        SkipValue(ref o);
                        return;
                    }

                    while (o.Read() && o.TokenType == JsonTokenType.PropertyName)
                    {
                        if (o.ValueTextEquals("kind"u8))
                        {
                            o.Read();
                            kind = Scalar(ref o);
                        }
                        else if (o.ValueTextEquals("name"u8))
                        {
                            o.Read();
                            name = Scalar(ref o);
                        }
                        else if (o.ValueTextEquals("uid"u8))
                        {
                            o.Read();
                            uid = Scalar(ref o);
                        }
                        else if (o.ValueTextEquals("controller"u8))
                        {
                            o.Read();
                            controller = o.TokenType == JsonTokenType.True;
                            SkipValue(ref o);
                        }
                        else
                        {
                            o.Read();
                            SkipValue(ref o);
                        }
                    }

                    if (q.Owner is null || controller)
                    {
                        q.Owner = (kind ?? "", name ?? "", uid ?? "");
                    }
                });
            }
            else
            {
                r.Read();
                SkipValue(ref r);
            }
        });

    private static void ReadSpec(ref Utf8JsonReader reader, Pod pod) =>
        ForEachProperty(ref reader, pod, static (ref Utf8JsonReader r, Pod p) =>
        {
            if (r.ValueTextEquals("nodeName"u8))
            {
                r.Read();
                p.NodeName = Scalar(ref r);
            }
            else if (r.ValueTextEquals("containers"u8))
            {
                r.Read();
                p.Images = [];
                p.Resources = default;
                ForEachItem(ref r, p, static (ref Utf8JsonReader c, Pod q) =>
                {
                    string? image = null;
                    if (c.TokenType == JsonTokenType.StartObject)
                    {
                        while (c.Read() && c.TokenType == JsonTokenType.PropertyName)
                        {
                            var which = c.ValueTextEquals("image"u8) ? 1 : c.ValueTextEquals("resources"u8) ? 2 : 0;
                            c.Read();
                            if (which == 1)
                            {
                                image = Scalar(ref c);
                            }
                            else if (which == 2)
                            {
                                ReadResources(ref c, q);
                            }
                            else
                            {
                                SkipValue(ref c);
                            }
                        }
                    }
                    else
                    {
                        SkipValue(ref c);
                    }

                    q.Images!.Add(image ?? "");
                });
            }
            else
            {
                r.Read();
                SkipValue(ref r);
            }
        });

    private static void ReadStatus(ref Utf8JsonReader reader, Pod pod) =>
        ForEachProperty(ref reader, pod, static (ref Utf8JsonReader r, Pod p) =>
        {
            if (r.ValueTextEquals("phase"u8))
            {
                r.Read();
                p.Phase = Scalar(ref r);
            }
            else if (r.ValueTextEquals("reason"u8))
            {
                r.Read();
                p.Reason = Scalar(ref r);
            }
            else if (r.ValueTextEquals("podIP"u8))
            {
                r.Read();
                p.PodIp = Scalar(ref r);
            }
            else if (r.ValueTextEquals("startTime"u8))
            {
                r.Read();
                p.Started = Time(Scalar(ref r));
            }
            else if (r.ValueTextEquals("qosClass"u8))
            {
                r.Read();
                p.QosClass = Scalar(ref r);
            }
            else if (r.ValueTextEquals("conditions"u8))
            {
                r.Read();
                p.Ready = false;
                ForEachItem(ref r, p, static (ref Utf8JsonReader c, Pod q) =>
                {
                    string? type = null, status = null;
                    if (c.TokenType != JsonTokenType.StartObject)
                    {
                        SkipValue(ref c);
                        return;
                    }

                    while (c.Read() && c.TokenType == JsonTokenType.PropertyName)
                    {
                        var which = c.ValueTextEquals("type"u8) ? 1 : c.ValueTextEquals("status"u8) ? 2 : 0;
                        c.Read();
                        switch (which)
                        {
                            case 1:
                                type = Scalar(ref c);
                                break;
                            case 2:
                                status = Scalar(ref c);
                                break;
                            default:
                                SkipValue(ref c);
                                break;
                        }
                    }

                    q.Ready |= type == "Ready" && status == "True";
                });
            }
            else if (r.ValueTextEquals("containerStatuses"u8))
            {
                r.Read();
                p.Statuses = [];
                ForEachItem(ref r, p, static (ref Utf8JsonReader c, Pod q) =>
                {
                    var ready = false;
                    var restarts = 0;
                    string? why = null;
                    if (c.TokenType == JsonTokenType.StartObject)
                    {
                        while (c.Read() && c.TokenType == JsonTokenType.PropertyName)
                        {
                            if (c.ValueTextEquals("ready"u8))
                            {
                                c.Read();
                                ready = c.TokenType == JsonTokenType.True;
                                SkipValue(ref c);
                            }
                            else if (c.ValueTextEquals("restartCount"u8))
                            {
                                c.Read();
                                restarts = c.TokenType == JsonTokenType.Number && c.TryGetInt32(out var n) ? n : 0;
                                SkipValue(ref c);
                            }
                            else if (c.ValueTextEquals("state"u8))
                            {
                                c.Read();
                                why = StateReason(ref c);
                            }
                            else
                            {
                                c.Read();
                                SkipValue(ref c);
                            }
                        }
                    }
                    else
                    {
                        SkipValue(ref c);
                    }

                    q.Statuses!.Add((ready, restarts, why));
                });
            }
            else
            {
                r.Read();
                SkipValue(ref r);
            }
        });

    /// <summary>A container's resources: requests and limits of cpu and memory, added to the pod's sums.</summary>
    private static void ReadResources(ref Utf8JsonReader reader, Pod pod)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipValue(ref reader);
            return;
        }

        string? cpuRequest = null, cpuLimit = null, memoryRequest = null, memoryLimit = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var which = reader.ValueTextEquals("requests"u8) ? 1 : reader.ValueTextEquals("limits"u8) ? 2 : 0;
            reader.Read();
            if (which == 0 || reader.TokenType != JsonTokenType.StartObject)
            {
                SkipValue(ref reader);
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var resource = reader.ValueTextEquals("cpu"u8) ? 1 : reader.ValueTextEquals("memory"u8) ? 2 : 0;
                reader.Read();
                var value = Scalar(ref reader);
                switch ((which, resource))
                {
                    case (1, 1): cpuRequest = value; break;
                    case (1, 2): memoryRequest = value; break;
                    case (2, 1): cpuLimit = value; break;
                    case (2, 2): memoryLimit = value; break;
                }
            }
        }

        pod.Resources.Add(cpuRequest, cpuLimit, memoryRequest, memoryLimit);
    }

    /// <summary>state.waiting.reason, else state.terminated.reason.</summary>
    private static string? StateReason(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipValue(ref reader);
            return null;
        }

        string? waiting = null, terminated = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var which = reader.ValueTextEquals("waiting"u8) ? 1 : reader.ValueTextEquals("terminated"u8) ? 2 : 0;
            reader.Read();
            if (which == 0 || reader.TokenType != JsonTokenType.StartObject)
            {
                SkipValue(ref reader);
                continue;
            }

            string? reason = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isReason = reader.ValueTextEquals("reason"u8);
                reader.Read();
                if (isReason)
                {
                    reason = Scalar(ref reader);
                }
                else
                {
                    SkipValue(ref reader);
                }
            }

            if (which == 1)
            {
                waiting = reason;
            }
            else
            {
                terminated = reason;
            }
        }

        return waiting ?? terminated;
    }

    private delegate void PropertyReader(ref Utf8JsonReader reader, Pod pod);

    /// <summary>
    /// For an object at the reader: calls <paramref name="read"/> at each property name (which must read the
    /// value too). Anything but an object is skipped.
    /// </summary>
    private static void ForEachProperty(ref Utf8JsonReader reader, Pod pod, PropertyReader read)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipValue(ref reader);
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            read(ref reader, pod);
        }
    }

    /// <summary>For an array at the reader: calls <paramref name="read"/> at the first token of each item (which must consume it).</summary>
    private static void ForEachItem(ref Utf8JsonReader reader, Pod pod, PropertyReader read)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            SkipValue(ref reader);
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            read(ref reader, pod);
        }
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }
    }

    /// <summary>A string as itself, a number or boolean as its text (as <see cref="Json.Str(JsonElement)"/>), else null.</summary>
    private static string? Scalar(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                return reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan);
            default:
                SkipValue(ref reader);
                return null;
        }
    }

    private static DateTime? Time(string? value) =>
        value is not null && DateTime.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;
}
