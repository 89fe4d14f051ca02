namespace Dashboard.Server.Access;

/// <summary>
/// Structured events for refused access: a failed sign-in, an anonymous or forbidden request, a refused
/// websocket origin. The audit issue stores them in the audit history; until then they are log events.
/// </summary>
public static partial class AccessLog
{
    public const string Category = "Dashboard.Access";

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Sign-in refused for {UserName} from {Remote}: {Reason}")]
    public static partial void SignInRefused(ILogger logger, string userName, string? remote, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Denied {Method} {Path} to {User}: {Reason}")]
    public static partial void Denied(ILogger logger, string method, string path, string user, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Refused a hub connection from origin {Origin} (the app is {Expected})")]
    public static partial void OriginRefused(ILogger logger, string origin, string expected);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "{UserName} signed in ({Method})")]
    public static partial void SignedIn(ILogger logger, string userName, string method);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "{Actor}: {What}")]
    public static partial void Changed(ILogger logger, string actor, string what);
}
