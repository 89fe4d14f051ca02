using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Data;

public static class DatabaseExtensions
{
    /// <summary>PostgreSQL when ConnectionStrings:Dashboard is set, else the embedded SQLite file.</summary>
    public static WebApplicationBuilder AddDashboardDatabase(this WebApplicationBuilder builder)
    {
        var target = DatabaseTarget.From(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(target);
        builder.Services.AddDbContextFactory<DashboardDbContext>(options => Configure(options, target));
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }

    internal static void Configure(DbContextOptionsBuilder options, DatabaseTarget target)
    {
        if (target.Error is not null)
        {
            // Never used: DatabaseInitializer stops the server first, naming the setting.
            options.UseNpgsql();
            return;
        }

        if (target.Provider == DatabaseProvider.PostgreSql)
        {
            options.UseNpgsql(target.ConnectionString);
        }
        else
        {
            options.UseSqlite(target.ConnectionString);
        }
    }
}
