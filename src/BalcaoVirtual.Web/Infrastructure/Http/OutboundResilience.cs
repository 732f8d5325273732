using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace BalcaoVirtual.Web.Infrastructure.Http;

/// <summary>
/// What every outbound HTTP client shares (Twilio, Meta, DataJud, the identity provider), through
/// Microsoft.Extensions.Http.Resilience: a timeout per attempt, and up to two more attempts only where nothing can
/// happen twice: a connection that was never made, and, for reads (GET), what HTTP calls transient, after the
/// provider's Retry-After when it is short. A provider's "not now" to a send (429, 5xx) is not retried here: it goes
/// back to the durable outbox, which counts the attempt and waits its backoff or the provider's Retry-After; DataJud's
/// pause tells the citizen when to ask again.
/// These strategies wait on the wire's clock, never on the service's (a fake one in tests): a socket's timeout is real time.
/// </summary>
internal static class OutboundResilience
{
    /// <summary>A read waits at most this long for a provider's Retry-After; a longer one is answered as it came.</summary>
    internal static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(2);

    public static IHttpClientBuilder AddOutboundResilience(this IHttpClientBuilder builder, Func<IServiceProvider, TimeSpan> attemptTimeout)
    {
        builder.AddResilienceHandler("outbound", (pipeline, context) =>
        {
            pipeline.TimeProvider = TimeProvider.System;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                MaxDelay = MaxInlineWait,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
            });
            pipeline.AddTimeout(attemptTimeout(context.ServiceProvider));
        });
        return builder;
    }

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } } => true,
        { Result: { RequestMessage.Method: var method } response } when method == HttpMethod.Get => IsTransient(response),
        _ => false,
    };

    private static bool IsTransient(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
        && (response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero) <= MaxInlineWait;
}
