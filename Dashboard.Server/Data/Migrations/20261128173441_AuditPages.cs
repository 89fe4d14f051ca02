using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dashboard.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditPages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_records_target",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_time",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_user",
                table: "audit_records");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "audit_records",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(coalesce(\"Action\", '') || ' ' || coalesce(\"ActorUserName\", '') || ' ' || coalesce(\"TargetCluster\", '') || ' ' || coalesce(\"TargetNamespace\", '') || ' ' || coalesce(\"TargetName\", '') || ' ' || coalesce(\"Parameters\", '') || ' ' || coalesce(\"Before\", '') || ' ' || coalesce(\"After\", '') || ' ' || coalesce(\"Error\", ''))",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_action",
                table: "audit_records",
                columns: new[] { "Action", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_actor",
                table: "audit_records",
                columns: new[] { "ActorUserId", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_namespace_action",
                table: "audit_records",
                columns: new[] { "TargetNamespace", "Action", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_namespace_outcome",
                table: "audit_records",
                columns: new[] { "TargetNamespace", "Outcome", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_namespace_teams",
                table: "audit_records",
                columns: new[] { "TargetNamespace", "ActorTeams", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_namespace_user",
                table: "audit_records",
                columns: new[] { "TargetNamespace", "ActorUserName", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_target",
                table: "audit_records",
                columns: new[] { "TargetCluster", "TargetNamespace", "TargetKind", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_teams",
                table: "audit_records",
                columns: new[] { "ActorTeams", "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_text",
                table: "audit_records",
                column: "SearchText")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_time",
                table: "audit_records",
                columns: new[] { "TimeUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_user",
                table: "audit_records",
                columns: new[] { "ActorUserName", "TimeUtc", "Id" });

            // A scoped viewer's page joins their namespaces with another filter (a user, a team, an action) whose
            // values are far from independent of the namespace (a team works in its own); statistics of the pairs
            // let the planner see how few records match, and choose the indexes over a long filtered scan.
            migrationBuilder.Sql("""
                CREATE STATISTICS audit_records_user_namespace (mcv) ON "ActorUserName", "TargetNamespace" FROM audit_records;
                CREATE STATISTICS audit_records_teams_namespace (mcv) ON "ActorTeams", "TargetNamespace" FROM audit_records;
                CREATE STATISTICS audit_records_action_namespace (mcv) ON "Action", "TargetNamespace" FROM audit_records;
                CREATE STATISTICS audit_records_actor_teams (mcv) ON "ActorUserId", "ActorTeams" FROM audit_records;
                CREATE STATISTICS audit_records_actor_action (mcv) ON "ActorUserId", "Action" FROM audit_records;
                ALTER STATISTICS audit_records_user_namespace SET STATISTICS 1000;
                ALTER STATISTICS audit_records_teams_namespace SET STATISTICS 1000;
                ALTER STATISTICS audit_records_action_namespace SET STATISTICS 1000;
                ALTER STATISTICS audit_records_actor_teams SET STATISTICS 1000;
                ALTER STATISTICS audit_records_actor_action SET STATISTICS 1000;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP STATISTICS audit_records_user_namespace, audit_records_teams_namespace, audit_records_action_namespace, audit_records_actor_teams, audit_records_actor_action;");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_action",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_actor",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_namespace_action",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_namespace_outcome",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_namespace_teams",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_namespace_user",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_target",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_teams",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_text",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_time",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_user",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "audit_records");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

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
        }
    }
}
