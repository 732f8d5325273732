using System.Globalization;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Privacy;

internal static class PrivacyEndpoints
{
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", SearchAsync).RequireAuthorization(AuthFeature.AdminPolicy);
        app.MapGet("/api/privacy/retention", RetentionAsync).RequireAuthorization(AuthFeature.AdminPolicy);
        return app;
    }

    /// <summary>The audit trail for admins, newest first: by day range (UTC), who, action (prefix), target.</summary>
    private static async Task<IResult> SearchAsync(
        string? from, string? to, string? who, string? action, string? target, int? limit, AuditTrail trail, TimeProvider time)
    {
        var errors = new List<(string, string)>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var end = ParseDay(to, "to", today, errors);
        var start = ParseDay(from, "from", end.AddDays(-6), errors);
        if (errors.Count == 0 && (start > end || end.DayNumber - start.DayNumber >= MaxDays))
        {
            errors.Add(("from", Texts.Format("AuditRangeInvalid", MaxDays)));
        }

        if (limit is < 1 or > 500)
        {
            errors.Add(("limit", Texts.Get("AuditLimitInvalid")));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        var (records, truncated) = await trail.SearchAsync(start, end, r =>
            (string.IsNullOrEmpty(who) || r.Who == who)
            && (string.IsNullOrEmpty(action) || r.Action.StartsWith(action, StringComparison.Ordinal))
            && (string.IsNullOrEmpty(target) || r.Target == target),
            limit ?? 100).ConfigureAwait(false);
        return Results.Ok(new { from = start, to = end, truncated, records });
    }

    /// <summary>How the last retention run went (null fields before the first run).</summary>
    private static async Task<IResult> RetentionAsync(Infrastructure.Storage.RedisConnections redis, Infrastructure.Storage.RedisKeys keys)
    {
        var fields = (await redis.GetDatabase().HashGetAllAsync(keys.RetentionStatus()).ConfigureAwait(false))
            .ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        return Results.Ok(new
        {
            ranAt = fields.GetValueOrDefault("ranAt"),
            cutoff = fields.GetValueOrDefault("cutoff"),
            anonymized = int.TryParse(fields.GetValueOrDefault("anonymized"), out var a) ? a : (int?)null,
            remaining = long.TryParse(fields.GetValueOrDefault("remaining"), out var r) ? r : (long?)null,
        });
    }

    private static DateOnly ParseDay(string? value, string field, DateOnly fallback, List<(string, string)> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add((field, Texts.Get("AuditDayInvalid")));
        return fallback;
    }
}
