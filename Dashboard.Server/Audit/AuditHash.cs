using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Server.Audit;

/// <summary>
/// The canonical form a record's hash covers: every field in a fixed order, each as <c>name:length:value</c> on
/// its own line (null as <c>name:-</c>), times as UTC ISO 8601 with microseconds (what PostgreSQL keeps),
/// numbers and ids in the invariant culture. Length-prefixed values cannot be confused with one another,
/// whatever characters they hold. Changing this form breaks every existing chain: add a version instead.
/// </summary>
public static class AuditHash
{
    /// <summary>The previous hash of the very first record.</summary>
    public static readonly string Genesis = new('0', 64);

    private const string Version = "1";

    public static string Compute(AuditRecord r)
    {
        var form = new StringBuilder(512);
        Field(form, "v", Version);
        Field(form, "id", r.Id.ToString(CultureInfo.InvariantCulture));
        Field(form, "time", Time(r.TimeUtc));
        Field(form, "actor.userId", r.ActorUserId);
        Field(form, "actor.userName", r.ActorUserName);
        Field(form, "actor.teams", r.ActorTeams);
        Field(form, "actor.address", r.ActorAddress);
        Field(form, "actor.userAgent", r.ActorUserAgent);
        Field(form, "actor.method", r.ActorMethod);
        Field(form, "action", r.Action);
        Field(form, "target.cluster", r.TargetCluster);
        Field(form, "target.namespace", r.TargetNamespace);
        Field(form, "target.kind", r.TargetKind);
        Field(form, "target.name", r.TargetName);
        Field(form, "target.uid", r.TargetUid);
        Field(form, "parameters", r.Parameters);
        Field(form, "before", r.Before);
        Field(form, "after", r.After);
        Field(form, "outcome", r.Outcome.ToString());
        Field(form, "error", r.Error);
        Field(form, "correlationId", r.CorrelationId.ToString("D"));
        Field(form, "requestedId", r.RequestedId?.ToString(CultureInfo.InvariantCulture));
        Field(form, "previousHash", r.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(form.ToString())));
    }

    /// <summary>PostgreSQL keeps microseconds; a time is cut to them before it is hashed or stored.</summary>
    public static DateTime Truncate(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void Field(StringBuilder form, string name, string? value)
    {
        form.Append(name).Append(':');
        if (value is null)
        {
            form.Append('-');
        }
        else
        {
            form.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        }

        form.Append('\n');
    }
}
