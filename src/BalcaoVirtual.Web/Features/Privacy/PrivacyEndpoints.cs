using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>A page of the audit trail: the days searched, the court's time zone for showing times, newest first.</summary>
public sealed record AuditPage(DateOnly From, DateOnly To, bool Truncated, string TimeZone, IEnumerable<AuditRecordView> Records);

/// <summary>One audit record with the actor's and the target's names and the action in Portuguese.</summary>
public sealed record AuditRecordView(
    DateTimeOffset At, string Who, string WhoName, string Action, string? ActionName, string? Target, string? TargetName, string? Detail, string? From);

/// <summary>The last retention run (null fields before the first run).</summary>
public sealed record RetentionStatus(string? RanAt, string? Cutoff, int? Anonymized, long? Remaining);

internal static class PrivacyEndpoints
{
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", SearchAsync).RequireAuthorization(AuthFeature.AdminPolicy);
        app.MapGet("/api/privacy/retention", RetentionAsync).RequireAuthorization(AuthFeature.AdminPolicy);
        app.MapGet("/api/privacy/requests", async (DataSubjectRequests requests) => TypedResults.Ok(await requests.ListAsync().ConfigureAwait(false)))
            .RequireAuthorization(AuthFeature.AdminPolicy);
        // A file: FileContentHttpResult does not describe itself, so the route states its 200.
        app.MapPost("/api/privacy/requests/export", ExportAsync).RequireAuthorization(AuthFeature.AdminPolicy)
            .Produces<Stream>(StatusCodes.Status200OK, "application/json", "text/html");
        app.MapPost("/api/privacy/requests/erasure", EraseAsync).RequireAuthorization(AuthFeature.AdminPolicy);
        return app;
    }

    /// <summary>
    /// The audit trail for admins, newest first: by day range (UTC), who, action (prefix), target. Each record with the
    /// actor's name and the action in Portuguese; the court's time zone for showing the times.
    /// </summary>
    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> SearchAsync(
        string? from, string? to, string? who, string? action, string? target, int? limit, AuditTrail trail, UserStore users, UnitCatalog catalog, TimeProvider time)
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

        var (records, truncated) = await trail.SearchAsync(start, end, new AuditFilter(who, action, target), limit ?? 100).ConfigureAwait(false);
        var people = (await users.ListAsync().ConfigureAwait(false)).ToDictionary(u => u.Id, StringComparer.Ordinal);
        return TypedResults.Ok(new AuditPage(start, end, truncated, catalog.CourtTimeZone, records.Select(r => new AuditRecordView(
            r.At,
            r.Who,
            AuditWords.WhoName(r.Who, people),
            r.Action,
            AuditWords.ActionName(r.Action),
            r.Target,
            r.Target is { } t && people.TryGetValue(t, out var person) ? person.Name : null,
            r.Detail,
            r.From))));
    }

    /// <summary>Everything held about a phone or an e-mail, as JSON or as a readable page (a download); the request is recorded.</summary>
    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(SubjectRequest? request, ClaimsPrincipal user, DataSubjectRequests requests, TimeProvider time)
    {
        if (Subject(request) is not { } contacts)
        {
            return BadSubject(request);
        }

        var format = request!.Format ?? "json";
        if (format is not ("json" or "html"))
        {
            return Problems.Validation(("format", Texts.Get("PrivacyFormatInvalid")));
        }

        var data = await requests.CollectAsync(contacts).ConfigureAwait(false);
        var recorded = await requests.RecordAsync("export", contacts, user.UserId(), Texts.Format("PrivacyOutcomeExport", data.Conversations.Count, format), data.Conversations.Count).ConfigureAwait(false);
        var name = $"dados-{recorded.Id}.{format}";
        return format == "json"
            ? TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(new { request = recorded, generatedAt = time.GetUtcNow(), data.Contacts, data.Conversations }, ExportJson), "application/json", name)
            : TypedResults.File(Encoding.UTF8.GetBytes(SubjectPage.Render(recorded, data)), "text/html; charset=utf-8", name);
    }

    /// <summary>Erases a phone's or an e-mail's data (the SLA figures stay, anonymous); the request is recorded.</summary>
    private static async Task<Results<Ok<DataSubjectRequest>, ValidationProblem>> EraseAsync(SubjectRequest? request, ClaimsPrincipal user, DataSubjectRequests requests)
    {
        if (Subject(request) is not { } contacts)
        {
            return BadSubject(request);
        }

        if (request!.Confirm != true)
        {
            return Problems.Validation(("confirm", Texts.Get("PrivacyConfirmRequired")));
        }

        var data = await requests.CollectAsync(contacts).ConfigureAwait(false);
        var erased = await requests.EraseAsync(data).ConfigureAwait(false);
        var recorded = await requests.RecordAsync("erasure", contacts, user.UserId(), Texts.Format("PrivacyOutcomeErasure", erased), erased).ConfigureAwait(false);
        return TypedResults.Ok(recorded);
    }

    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static IReadOnlyList<Conversations.ContactAddress>? Subject(SubjectRequest? request) =>
        request is null || string.IsNullOrWhiteSpace(request.Phone) == string.IsNullOrWhiteSpace(request.Email)
            ? null
            : DataSubjectRequests.ContactsOf(request.Phone, request.Email);

    private static ValidationProblem BadSubject(SubjectRequest? request) =>
        !string.IsNullOrWhiteSpace(request?.Email) && string.IsNullOrWhiteSpace(request.Phone)
            ? Problems.Validation(("email", Texts.Get("PrivacyEmailInvalid")))
            : Problems.Validation(("phone", Texts.Get("PrivacyPhoneInvalid")));

    /// <summary>How the last retention run went (null fields before the first run).</summary>
    private static async Task<Ok<RetentionStatus>> RetentionAsync(Infrastructure.Storage.RedisConnections redis, Infrastructure.Storage.RedisKeys keys)
    {
        var fields = (await redis.GetDatabase().HashGetAllAsync(keys.RetentionStatus()).ConfigureAwait(false))
            .ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        return TypedResults.Ok(new RetentionStatus(
            fields.GetValueOrDefault("ranAt"),
            fields.GetValueOrDefault("cutoff"),
            int.TryParse(fields.GetValueOrDefault("anonymized"), out var a) ? a : null,
            long.TryParse(fields.GetValueOrDefault("remaining"), out var r) ? r : null));
    }

    private static DateOnly ParseDay(string? value, string field, DateOnly fallback, List<(string, string)> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (QueryDates.TryParseDay(value, out var day))
        {
            return day;
        }

        errors.Add((field, Texts.Get("AuditDayInvalid")));
        return fallback;
    }
}

/// <summary>Whose data: a phone (E.164, e.g. +5591981234567) or an e-mail, one of them; an erasure must be confirmed.</summary>
internal sealed record SubjectRequest(string? Phone, string? Email, string? Format, bool? Confirm);
