using Microsoft.AspNetCore.Diagnostics;

namespace Dashboard.Server.Audit;

public static class AuditExtensions
{
    /// <summary>The audit history: the log every change goes through, its retry queue, reader, verifier and prune.</summary>
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditReader>();
        services.AddSingleton<AuditFeed>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditPruner>();
        services.AddHostedService<AuditOutcomeWriter>();
        services.AddHostedService<ObservedChanges>();
        // Ahead of the database-down handler: the cause is often a DbException, but the answer must say the action was refused.
        services.Insert(0, ServiceDescriptor.Singleton<IExceptionHandler, AuditUnavailableHandler>());
        return builder;
    }
}

/// <summary>An action refused for want of an audit record is a 503 that says so.</summary>
internal sealed class AuditUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not AuditUnavailableException)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new()
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = 503, Title = "The audit history cannot be written", Detail = exception.Message },
            Exception = exception,
        });
    }
}
