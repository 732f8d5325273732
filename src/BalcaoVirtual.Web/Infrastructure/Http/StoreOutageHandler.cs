using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Diagnostics;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Http;

/// <summary>
/// While the store is unreachable, every request that needs it answers 503 with Retry-After, never a 500: Twilio and
/// Meta then retry the webhook later, and nothing is acknowledged that was not stored. The service itself keeps
/// running and resumes on its own when the store returns.
/// </summary>
internal sealed partial class StoreOutageHandler(IProblemDetailsService problems, ILogger<StoreOutageHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsOutage(exception))
        {
            return false;
        }

        LogOutage(logger, httpContext.Request.Path, Describe(exception));
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = Texts.Get("StoreUnavailable") },
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The store cannot be reached, did not answer in time, or cannot take writes for now: a replica during a failover
    /// (READONLY), a Redis still loading its data (LOADING), a master without its replicas (NOREPLICAS, MASTERDOWN, or
    /// fewer replicas than Storage:ReplicasToWait), a script still running (BUSY). A bad command stays a bug.
    /// </summary>
    internal static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or StoreNotReplicatedException or StoreNotReadyException => true,
        RedisServerException { Kind: RedisErrorKind.ReadOnly or RedisErrorKind.Loading or RedisErrorKind.MasterDown or RedisErrorKind.NoReplicas
            or RedisErrorKind.TryAgain or RedisErrorKind.ClusterDown or RedisErrorKind.Busy } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsOutage),
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    /// <summary>The exception's type, and for a Redis error its kind (ReadOnly, Loading…): never data.</summary>
    private static string Describe(Exception exception) =>
        exception is RedisServerException server ? $"{nameof(RedisServerException)} {server.Kind}" : exception.GetType().Name;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store unreachable while serving {Path} ({Error}): answered 503, Retry-After 30 s")]
    private static partial void LogOutage(ILogger logger, string path, string error);
}
