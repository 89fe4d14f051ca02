using System.Collections.Concurrent;
using Dashboard.Server.Live;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Audit;

/// <summary>
/// New audit records, pushed live to the hub connections that asked (the audit page), each only to those who
/// may see it and as they may see it (<see cref="AuditReader.ViewFor"/>).
/// </summary>
public sealed class AuditFeed : IDisposable
{
    private readonly ConcurrentDictionary<string, AuditViewer> _subscribers = new(StringComparer.Ordinal);
    private readonly AuditLog _log;
    private readonly AuditReader _reader;
    private readonly IHubContext<FleetHub, IFleetClient> _hub;
    private readonly ILogger<AuditFeed> _logger;

    public AuditFeed(AuditLog log, AuditReader reader, IHubContext<FleetHub, IFleetClient> hub, ILogger<AuditFeed> logger)
    {
        (_log, _reader, _hub, _logger) = (log, reader, hub, logger);
        _log.Appended += OnAppended;
    }

    public void Subscribe(string connectionId, AuditViewer viewer) => _subscribers[connectionId] = viewer;

    public void ConnectionClosed(string connectionId) => _subscribers.TryRemove(connectionId, out _);

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
