using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dashboard.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditActorTeams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_audit_records_actor_teams",
                table: "audit_records",
                columns: new[] { "ActorUserId", "ActorTeams", "TimeUtc", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_records_actor_teams",
                table: "audit_records");
        }
    }
}
