using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Infrastructure.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in requests (form, token, single sign-on start) per client address and minute.</summary>
    [Range(1, 100_000)]
    public int SignInPerMinute { get; set; } = 30;

    /// <summary>Requests to the public page, its search, fragment and feeds per client address and minute.</summary>
    [Range(1, 1_000_000)]
    public int PublicPerMinute { get; set; } = 300;

    /// <summary>
    /// Webhook requests refused (a wrong signature, a malformed body) per client address and minute, after which that
    /// address is answered 429 at once: Twilio and Meta send from shared pools, so only refusals are counted.
    /// </summary>
    [Range(1, 1_000_000)]
    public int RefusedWebhooksPerMinute { get; set; } = 60;
}

/// <summary>
/// Counts the webhook requests refused with a 4xx per client address; past <see cref="RateLimitOptions.RefusedWebhooksPerMinute"/>
/// in a minute, the address's next requests get 429 before their body is read or a line is logged.
/// </summary>
internal sealed class RefusedWebhooks(IOptions<RateLimitOptions> options) : IEndpointFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string> refusals = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RefusedWebhooksPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var address = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (refusals.GetStatistics(address)?.CurrentAvailablePermits == 0)
        {
            context.HttpContext.Response.Headers.RetryAfter = "60";
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: Texts.Get("TooManyRequests"));
        }

        var result = await next(context).ConfigureAwait(false);
        if (result is IStatusCodeHttpResult { StatusCode: >= 400 and < 500 })
        {
            using var _ = refusals.AttemptAcquire(address);
        }

        return result;
    }

    public void Dispose() => refusals.Dispose();
}

/// <summary>
/// Per client address limits on the doors anyone may knock on without signing in: a flood is answered 429 with
/// Retry-After before it reaches the store, the password hasher or the audit trail. The address is the client's as
/// the local proxy gave it (forwarded headers run first).
/// </summary>
internal static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Public = "public";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<RateLimitOptions>(configuration, RateLimitOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<RefusedWebhooks>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(SignIn, http => PerAddress(http, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.SignInPerMinute));
            o.AddPolicy(Public, http => PerAddress(http, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.PublicPerMinute));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await response.WriteAsJsonAsync(new { type = "about:blank", title = Texts.Get("TooManyRequests"), status = 429 },
                    options: null, contentType: "application/problem+json", cancellationToken).ConfigureAwait(false);
            };
        });
        return services;
    }

    /// <summary>Counts this endpoint's refusals per address (one counter for the service, not one per request).</summary>
    public static RouteHandlerBuilder ThrottlingRefusals(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<RefusedWebhooks>().InvokeAsync(context, next));

    private static RateLimitPartition<string> PerAddress(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
