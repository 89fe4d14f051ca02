namespace Dashboard.Server.Audit;

/// <summary>
/// What the database holds for the audit history besides the table: the append-only guard. In PostgreSQL the
/// migration "Audit" creates a trigger refusing UPDATE, DELETE and TRUNCATE on the table; DELETE passes only in a
/// transaction that ran <c>SET LOCAL dashboard.audit_prune = 'on'</c>, which only the prune command does (and it
/// records that it ran, in the same transaction). The guard stops the app and casual hands; it does not stop the
/// table's owner, who can drop it: that is what the hash chain is for.
/// </summary>
public static class AuditSchema
{
    public const string Table = "audit_records";

    /// <summary>The transaction-local setting that lets the prune command's DELETE through the trigger.</summary>
    public const string PruneSetting = "dashboard.audit_prune";

    /// <summary>pg_advisory_xact_lock key that serializes appends across replicas ("audit" in ASCII).</summary>
    public const long ChainLock = 0x6175646974;

    /// <summary>
    /// The embedded SQLite file's guard (it has no migrations): the triggers are made with the file. SQLite has no
    /// session settings, so the prune drops the DELETE trigger and makes it again inside its own transaction.
    /// </summary>
    public const string SqliteNoUpdate = """
        CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: UPDATE refused'); END;
        """;

    public const string SqliteNoDelete = """
        CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: DELETE refused (use the audit prune command)'); END;
        """;

    public const string SqliteTriggers = SqliteNoUpdate + "\n" + SqliteNoDelete;
}

/// <summary>Longest values kept; longer ones are cut (a record must never fail to be written because of its size).</summary>
internal static class AuditLimits
{
    public const int Action = 64;
    public const int Name = 512;
    public const int UserAgent = 512;
    public const int Text = 8192;
}
