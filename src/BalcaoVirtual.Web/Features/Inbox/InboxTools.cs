using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using CannedChange = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<BalcaoVirtual.Web.Features.Inbox.CannedAnswer>,
    BalcaoVirtual.Web.Infrastructure.Http.NotFoundProblem,
    BalcaoVirtual.Web.Infrastructure.Http.ConflictProblem>;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>A unit's canned answer; a clerk's proposal (<paramref name="ProposedBy"/>) until a manager approves it.</summary>
public sealed record CannedAnswer(string Id, string Title, string Text, bool Proposed = false, string? ProposedBy = null);

public sealed record CannedAnswerRequest(string? Title, string? Text);

public sealed record CaseStatusRequest(string? Number);

/// <summary>A canned answer as its unit's people see it, with the name of the clerk who proposed it.</summary>
public sealed record CannedAnswerView(string Id, string Title, string Text, bool Proposed, string? ProposedBy, string? ProposedByName);

/// <summary>
/// What saves a clerk typing: each unit's canned answers (kept by its managers, who edit them in place; its clerks may
/// propose more, which reach the reply box once a manager approves them), and one click to send the unit's video-desk
/// link, which goes only while the desk is open (Res. 372/2021 art. 5º).
/// </summary>
internal static class InboxTools
{
    public const int MaxTitle = 80;

    /// <summary>Proposals waiting in one unit at most (a clerk cannot fill the managers' list).</summary>
    public const int MaxProposals = 50;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapInboxTools(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/units/{id}/canned", ListAsync).RequireAuthorization();
        app.MapPost("/api/units/{id}/canned", AddAsync).RequireAuthorization();
        app.MapPut("/api/units/{id}/canned/{cannedId}", EditAsync).RequireAuthorization();
        app.MapPost("/api/units/{id}/canned/{cannedId}/approve", ApproveAsync).RequireAuthorization();
        app.MapDelete("/api/units/{id}/canned/{cannedId}", DeleteAsync).RequireAuthorization();
        app.MapPost("/api/conversations/{id}/video-link", VideoLinkAsync).RequireAuthorization();
        app.MapPost("/api/conversations/{id}/case-status", CaseStatusAsync).RequireAuthorization();
        return app;
    }

    /// <summary>The unit's answers; proposals too, all of them to its managers, a clerk's own to the clerk.</summary>
    private static async Task<Results<Ok<IEnumerable<CannedAnswerView>>, Refusal>> ListAsync(string id, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys, UserStore users)
    {
        if (UnitAccess.Refusal(user, catalog, id) is { } refusal)
        {
            return refusal;
        }

        var manages = UnitAccess.Refusal(user, catalog, id, manage: true) is null;
        var visible = (await ReadAsync(redis, keys, id).ConfigureAwait(false))
            .Where(c => !c.Proposed || manages || c.ProposedBy == user.UserId())
            .OrderBy(c => c.Proposed).ThenBy(c => c.Title, StringComparer.CurrentCulture).ToList();
        var names = await users.NamesAsync(visible.Select(c => c.ProposedBy)).ConfigureAwait(false);

        return TypedResults.Ok(visible.Select(c => new CannedAnswerView(c.Id, c.Title, c.Text, c.Proposed, c.ProposedBy, c.ProposedBy is { } by ? names.GetValueOrDefault(by) : null)));
    }

    /// <summary>A manager's answer is the unit's at once; a clerk's is a proposal.</summary>
    private static async Task<Results<Created<CannedAnswer>, ValidationProblem, ConflictProblem, Refusal>> AddAsync(string id, CannedAnswerRequest? request, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        if (UnitAccess.Refusal(user, catalog, id) is { } refusal)
        {
            return refusal;
        }

        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        var manages = UnitAccess.Refusal(user, catalog, id, manage: true) is null;
        if (!manages && (await ReadAsync(redis, keys, id).ConfigureAwait(false)).Count(c => c.Proposed) >= MaxProposals)
        {
            return new ConflictProblem(Texts.Format("CannedTooManyProposals", MaxProposals));
        }

        var canned = new CannedAnswer(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), request!.Title!.Trim(), request.Text!.Trim(),
            Proposed: !manages, ProposedBy: manages ? null : user.UserId());
        await redis.GetDatabase().HashSetAsync(keys.UnitCannedAnswers(id), canned.Id, JsonSerializer.Serialize(canned, Json)).ConfigureAwait(false);
        return TypedResults.Created($"/api/units/{id}/canned/{canned.Id}", canned);
    }

    /// <summary>A manager changes the title and text in place (a proposal stays one until approved).</summary>
    private static async Task<Results<CannedChange, ValidationProblem, Refusal>> EditAsync(
        string id, string cannedId, CannedAnswerRequest? request, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        if (UnitAccess.Refusal(user, catalog, id, manage: true) is { } refusal)
        {
            return refusal;
        }

        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        return await ChangeAsync(redis, keys, id, cannedId, c => c with { Title = request!.Title!.Trim(), Text = request.Text!.Trim() }).ConfigureAwait(false);
    }

    private static async Task<Results<CannedChange, Refusal>> ApproveAsync(string id, string cannedId, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys) =>
        UnitAccess.Refusal(user, catalog, id, manage: true) is { } refusal
            ? refusal
            : await ChangeAsync(redis, keys, id, cannedId, c => c with { Proposed = false }).ConfigureAwait(false);

    /// <summary>A manager deletes any; a clerk only a proposal of her own.</summary>
    private static async Task<Results<NoContent, NotFoundProblem, ConflictProblem, Refusal>> DeleteAsync(string id, string cannedId, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        if (UnitAccess.Refusal(user, catalog, id) is { } refusal)
        {
            return refusal;
        }

        var db = redis.GetDatabase();
        var stored = await db.HashGetAsync(keys.UnitCannedAnswers(id), cannedId).ConfigureAwait(false);
        if (stored.IsNullOrEmpty)
        {
            return new NotFoundProblem(Texts.Get("CannedNotFound"));
        }

        var canned = JsonSerializer.Deserialize<CannedAnswer>(stored.ToString(), Json)!;
        if (UnitAccess.Refusal(user, catalog, id, manage: true) is not null && !(canned.Proposed && canned.ProposedBy == user.UserId()))
        {
            return Refusal.Forbidden();
        }

        // Only as read: a proposal a manager approved meanwhile is no longer the clerk's to withdraw.
        return await HashFields.DeleteIfEqualAsync(db, keys.UnitCannedAnswers(id), cannedId, stored).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : Changed();
    }

    private static ValidationProblem? Validate(CannedAnswerRequest? request)
    {
        var title = request?.Title?.Trim();
        var text = request?.Text?.Trim();
        var errors = new List<(string, string)>();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitle)
        {
            errors.Add(("title", Texts.Format("CannedTitleInvalid", MaxTitle)));
        }

        if (string.IsNullOrEmpty(text) || text.Length > ConversationsFeature.MaxReplyLength)
        {
            errors.Add(("text", Texts.Format(nameof(Texts.ReplyTextInvalid), ConversationsFeature.MaxReplyLength)));
        }

        return errors.Count > 0 ? Problems.Validation([.. errors]) : null;
    }

    private static async Task<IReadOnlyList<CannedAnswer>> ReadAsync(RedisConnections redis, RedisKeys keys, string unitId) =>
        [.. (await redis.GetDatabase().HashGetAllAsync(keys.UnitCannedAnswers(unitId)).ConfigureAwait(false))
            .Select(e => JsonSerializer.Deserialize<CannedAnswer>(e.Value.ToString(), Json)!)];

    /// <summary>Rewrites one answer only if it is still as read (an approval, an edit or a delete meanwhile wins: 409).</summary>
    private static async Task<CannedChange> ChangeAsync(RedisConnections redis, RedisKeys keys, string unitId, string cannedId, Func<CannedAnswer, CannedAnswer> change)
    {
        var stored = await redis.GetDatabase().HashGetAsync(keys.UnitCannedAnswers(unitId), cannedId).ConfigureAwait(false);
        if (stored.IsNullOrEmpty)
        {
            return new NotFoundProblem(Texts.Get("CannedNotFound"));
        }

        var changed = change(JsonSerializer.Deserialize<CannedAnswer>(stored.ToString(), Json)!);
        return await HashFields.SetIfEqualAsync(redis.GetDatabase(), keys.UnitCannedAnswers(unitId), cannedId, stored, JsonSerializer.Serialize(changed, Json)).ConfigureAwait(false)
            ? TypedResults.Ok(changed)
            : Changed();
    }

    /// <summary>Someone changed (or deleted) it between the read and the write: nothing is written; the page shows the new state.</summary>
    private static ConflictProblem Changed() => new(Texts.Get("CannedChanged"));

    /// <summary>
    /// Sends the citizen the DataJud summary of a case number (the one given, or the only one the conversation mentions):
    /// 400 for a bad number, 404 when DataJud does not know it, 503 when DataJud is unavailable; nothing is sent then.
    /// </summary>
    private static async Task<Results<SendAnswer, ValidationProblem, NotFoundProblem, UnavailableProblem, Refusal>> CaseStatusAsync(
        string id, CaseStatusRequest request, ClaimsPrincipal user, ConversationStore store, UnitCatalog catalog, ICaseStatusLookup cases,
        ConversationActions actions, Microsoft.Extensions.Options.IOptions<ChatbotOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (conversation, refused) = await ConversationsFeature.GuardAsync(id, user, store).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var text = string.IsNullOrWhiteSpace(request.Number) && conversation!.ProcessNumbers.Count == 1 ? conversation.ProcessNumbers[0] : request.Number;
        if (CnjNumber.TryParse(text, out var number) != CnjNumberError.None)
        {
            return Problems.Validation(("number", Texts.Get("CaseStatusNumberInvalid")));
        }

        var court = catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(court?.TimeZone ?? "America/Belem");
        switch (await cases.GetStatusAsync(number, cancellationToken).ConfigureAwait(false))
        {
            case CaseStatusResult.Found found:
                return await ConversationsFeature.AnswerAsync(
                    id, user, actions, time, CaseSummaryText.Format(found.Summary, zone, options.Value.PjeUrl!), "case-status", number.Canonical).ConfigureAwait(false);
            case CaseStatusResult.NotFound:
                return new NotFoundProblem(Texts.Format("CaseNotFound", number.Canonical, court?.Id ?? number.CourtKey));
            default:
                return new UnavailableProblem(Texts.Get("CaseStatusUnavailable"));
        }
    }

    /// <summary>Sends the unit's Meet link with how to join, only while its desk is open; otherwise 409 saying when it opens.</summary>
    private static async Task<Results<SendAnswer, ConflictProblem, Refusal>> VideoLinkAsync(
        string id, ClaimsPrincipal user, ConversationStore store, UnitCatalog catalog, UnitHours hours, ConversationActions actions, TimeProvider time)
    {
        var (conversation, refused) = await ConversationsFeature.GuardAsync(id, user, store).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (conversation!.UnitId is null || catalog.Find(conversation.UnitId) is not { } unit || unit.VideoDeskUrl is null)
        {
            return new ConflictProblem(Texts.Get("VideoLinkNone"));
        }

        var availability = hours.At(unit, time.GetUtcNow());
        if (availability is not { Open: true, ClosesAt: { } closes })
        {
            var next = availability.OpensAt is { } opens ? BotFormat.When(opens, unit.TimeZone) : Texts.Get("BotNoNextOpening");
            return new ConflictProblem(Texts.Format("VideoLinkClosed", next));
        }

        var text = Texts.Format("BotVideoOpen", unit.Name, BotFormat.Time(closes, unit.TimeZone), unit.VideoDeskUrl);
        return await ConversationsFeature.AnswerAsync(id, user, actions, time, text, "video-link").ConfigureAwait(false);
    }
}
