using System.Collections.Concurrent;
using Dashboard.Server.Data;
using Dashboard.Server.Live;
using Dashboard.Server.Replicas;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Audit;

/// <summary>
/// New audit records, pushed live to the hub connections that asked (the audit page), each only to those who
/// may see it and as they may see it (<see cref="AuditReader.ViewFor"/>). A record written through another
/// replica arrives as its id over the <see cref="ReplicaBus"/> and is read from the history here.
/// </summary>
public sealed class AuditFeed : IDisposable
{
    private readonly ConcurrentDictionary<string, AuditViewer> _subscribers = new(StringComparer.Ordinal);
    private readonly AuditLog _log;
    private readonly AuditReader _reader;
    private readonly IHubContext<FleetHub, IFleetClient> _hub;
    private readonly IDbContextFactory<DashboardDbContext> _contexts;
    private readonly ILogger<AuditFeed> _logger;

    public AuditFeed(AuditLog log, AuditReader reader, IHubContext<FleetHub, IFleetClient> hub,
        IDbContextFactory<DashboardDbContext> contexts, ILogger<AuditFeed> logger)
    {
        (_log, _reader, _hub, _contexts, _logger) = (log, reader, hub, contexts, logger);
        _log.Appended += OnAppended;
    }

    public void Subscribe(string connectionId, AuditViewer viewer) => _subscribers[connectionId] = viewer;

    public void ConnectionClosed(string connectionId) => _subscribers.TryRemove(connectionId, out _);

    /// <summary>A record written through another replica (its id came over the <see cref="ReplicaBus"/>): read here, pushed to this replica's subscribers.</summary>
    public async Task AppendedElsewhereAsync(long id)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }

        try
        {
            await using var db = await _contexts.CreateDbContextAsync();
            if (await db.AuditRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id) is { } record)
            {
                OnAppended(record);
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Audit record {Id}, written through another replica, could not be read to push it live", id);
        }
    }

    private void OnAppended(AuditRecord record)
    {
        foreach (var (connectionId, viewer) in _subscribers)
        {
            if (_reader.ViewFor(viewer, record) is { } view)
            {
                _ = SendAsync(connectionId, view);
            }
        }
    }

    private async Task SendAsync(string connectionId, Dashboard.Shared.Audit.AuditRecordView view)
    {
        try
        {
            await _hub.Clients.Client(connectionId).AuditAppended(view);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // the connection is going away
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "A new audit record could not be pushed to connection {Connection}", connectionId);
        }
    }

    public void Dispose() => _log.Appended -= OnAppended;
}
