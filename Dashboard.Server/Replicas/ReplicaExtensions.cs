using System.Globalization;
using Dashboard.Server.Access;
using Dashboard.Server.Audit;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Dashboard.Server.Replicas;

public static class ReplicaExtensions
{
    /// <summary>
    /// Several replicas behind one address: with ConnectionStrings:Redis set, SignalR's Redis backplane (a send
    /// to a connection, a group or everyone reaches the replica holding it) and the <see cref="ReplicaBus"/>
    /// for what every replica must hear: access changed, sessions ended, audit records written. Each replica
    /// keeps its own watches of the clusters; Data Protection keys are shared in the database.
    /// </summary>
    public static WebApplicationBuilder AddReplicas(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReplicaBus>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaBus>());
        builder.Services.AddHostedService<ReplicaRelay>();
        if (builder.Configuration[ReplicaBus.Setting] is { Length: > 0 })
        {
            // The backplane uses the bus's connection, made (or refused, plainly) at startup.
            builder.Services.AddOptions<RedisOptions>().Configure<IServiceProvider>((options, services) =>
            {
                options.Configuration.ChannelPrefix = RedisChannel.Literal("fleet-dashboard");
                options.ConnectionFactory = async _ => await services.GetRequiredService<ReplicaBus>().Connected;
            });
            builder.Services.AddSignalR().AddStackExchangeRedis();
        }

        return builder;
    }
}

/// <summary>
/// Relays what happened through this replica to the others (access changed, sessions ended, audit records
/// written), and theirs to this replica's caches, connection guard and audit feed.
/// </summary>
internal sealed class ReplicaRelay(ReplicaBus bus, RightsStore rights, SessionStore sessions, AuditLog audit, AuditFeed feed) : IHostedService
{
    private const string RightsTopic = "rights";
    private const string SessionsTopic = "sessions";
    private const string AuditTopic = "audit";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        rights.ChangedHere += OnRightsChanged;
        sessions.EndedHere += OnSessionsEnded;
        audit.Appended += OnAuditAppended;
        bus.On(RightsTopic, _ => rights.ForgetChangedElsewhere());
        bus.On(SessionsTopic, _ => sessions.ForgetEndedElsewhere());
        bus.On(AuditTopic, id => _ = feed.AppendedElsewhereAsync(long.Parse(id, CultureInfo.InvariantCulture)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        rights.ChangedHere -= OnRightsChanged;
        sessions.EndedHere -= OnSessionsEnded;
        audit.Appended -= OnAuditAppended;
        return Task.CompletedTask;
    }

    private void OnAuditAppended(AuditRecord record) => bus.Publish(AuditTopic, record.Id.ToString(CultureInfo.InvariantCulture));

    private void OnRightsChanged() => bus.Publish(RightsTopic);

    private void OnSessionsEnded() => bus.Publish(SessionsTopic);
}
