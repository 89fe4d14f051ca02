using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dashboard.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class Audit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_records",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    TimeUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActorUserId = table.Column<string>(type: "text", nullable: true),
                    ActorUserName = table.Column<string>(type: "text", nullable: true),
                    ActorTeams = table.Column<string>(type: "text", nullable: true),
                    ActorAddress = table.Column<string>(type: "text", nullable: true),
                    ActorUserAgent = table.Column<string>(type: "text", nullable: true),
                    ActorMethod = table.Column<string>(type: "text", nullable: true),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TargetCluster = table.Column<string>(type: "text", nullable: true),
                    TargetNamespace = table.Column<string>(type: "text", nullable: true),
                    TargetKind = table.Column<string>(type: "text", nullable: true),
                    TargetName = table.Column<string>(type: "text", nullable: true),
                    TargetUid = table.Column<string>(type: "text", nullable: true),
                    Parameters = table.Column<string>(type: "text", nullable: true),
                    Before = table.Column<string>(type: "text", nullable: true),
                    After = table.Column<string>(type: "text", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    CorrelationId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestedId = table.Column<long>(type: "bigint", nullable: true),
                    PreviousHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_records", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_correlation",
                table: "audit_records",
                column: "CorrelationId");

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_requested",
                table: "audit_records",
                column: "RequestedId");

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_target",
                table: "audit_records",
                columns: new[] { "TargetCluster", "TargetNamespace", "TargetKind", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_time",
                table: "audit_records",
                column: "TimeUtc",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_user",
                table: "audit_records",
                columns: new[] { "ActorUserName", "Id" });

            // Append-only (see Audit/AuditSchema.cs): UPDATE, DELETE and TRUNCATE are refused; DELETE passes only in a
            // transaction of the prune command, which sets dashboard.audit_prune locally and records that it ran.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' AND current_setting('dashboard.audit_prune', true) = 'on' THEN
                        RETURN OLD;
                    END IF;
                    RAISE EXCEPTION 'audit_records is append-only: % refused (records are removed only by the audit prune command)', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
                    FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
                CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER audit_records_no_truncate ON audit_records; DROP TRIGGER audit_records_append_only ON audit_records; DROP FUNCTION audit_records_append_only();");

            migrationBuilder.DropTable(
                name: "audit_records");
        }
    }
}
