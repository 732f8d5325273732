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

    /// <summary>
    /// Sign-in requests (form, token, single sign-on start) per client address and minute. A court whose clerks all
    /// leave through one address signs them in at the start of a shift within this.
    /// </summary>
    [Range(1, 100_000)]
    public int SignInPerMinute { get; set; } = 120;

    /// <summary>Requests to the public page, its search, fragment and feeds per client address and minute.</summary>
    [Range(1, 1_000_000)]
    public int PublicPerMinute { get; set; } = 300;

    /// <summary>
    /// Webhook requests refused (a wrong signature, a malformed body) per client address and minute; beyond, a refusal
    /// is a 429 and writes no log line. A request that would be accepted is never counted nor held back.
    /// </summary>
    [Range(1, 1_000_000)]
    public int RefusedWebhooksPerMinute { get; set; } = 60;

    /// <summary>Video-call bookings sent from one address on the public page per hour (a family, a lawyer's office).</summary>
    [Range(1, 100_000)]
    public int BookingsPerHour { get; set; } = 10;
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
    public const string Booking = "booking";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<RateLimitOptions>(configuration, RateLimitOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<WebhookRefusals>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(SignIn, http => PerAddress(http, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.SignInPerMinute));
            o.AddPolicy(Public, http => PerAddress(http, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.PublicPerMinute));
            o.AddPolicy(Booking, http => PerAddress(http, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.BookingsPerHour, TimeSpan.FromHours(1)));
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

    private static RateLimitPartition<string> PerAddress(HttpContext http, int permits, TimeSpan? window = null) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Key(http.Connection.RemoteIpAddress) + (window is null ? "" : "|" + window.Value.TotalMinutes),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window ?? TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
}

/// <summary>
/// Refusals of the webhooks, counted per client address: past <see cref="RateLimitOptions.RefusedWebhooksPerMinute"/> in
/// a minute, a refusal is answered 429 with Retry-After and not logged, so a flood of forged requests costs one log line
/// per request no longer. Only requests already refused are counted: Twilio and Meta send from shared address pools, and
/// a stranger's forgeries from the same address must never hold back a validly signed message.
/// </summary>
public sealed class WebhookRefusals(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RefusedWebhooksPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>The refusal <paramref name="status"/> (logged by <paramref name="log"/>), or 429 once the address is past its budget.</summary>
    public IResult Refuse(HttpContext http, int status, string reason, Action log)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(log);
        using var lease = limiter.AttemptAcquire(ClientAddress.Key(http.Connection.RemoteIpAddress));
        if (!lease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = "60";
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "too many refused requests from this address");
        }

        log();
        return Results.Problem(statusCode: status, title: reason);
    }

    public void Dispose() => limiter.Dispose();
}
