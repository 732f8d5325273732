using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BalcaoVirtual.Web.Features.Conversations;

public sealed record ReplyRequest(string? Text);

public sealed record TransferRequest(string? UnitId, string? Reason);

public sealed record AssignRequest(string? UserId);

/// <summary>GET /api/conversations/{id}: the thread, CPFs masked, and what the inbox shows around it.</summary>
public sealed record ConversationView(
    Conversation Conversation, IReadOnlyList<Message> Messages, IReadOnlyList<string> Revealable, IReadOnlyDictionary<string, string> People,
    TransferOrigin? Transfer, WhatsAppWindow? WhatsAppWindow);

/// <summary>Where a conversation came from when another unit sent it here, and why.</summary>
public sealed record TransferOrigin(string FromUnitId, string Reason, DateTimeOffset At, string ByUserId);

/// <summary>One message as the citizen wrote it, CPF included.</summary>
public sealed record RevealedMessage(string Id, string Text, string? Quoted);

public static class ConversationsFeature
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<InboundStore>();
        services.AddSingleton<ConversationOpener>();
        services.AddSingleton<IntakeGauge>();
        services.AddHostedService<InboundProcessor>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<ConversationObservers>();
        services.AddSingleton<MessageStatuses>();
        services.AddSingleton<ConversationChanges>();
        services.AddSingleton<ConversationWords>();
        services.AddHostedService<ConversationWordsBackfill>();
        services.AddSingleton<ConversationActions>();
        services.AddHostedService<OutboundSender>();
        return services;
    }

    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conversations").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/messages", ReplyAsync);
        group.MapPost("/{id}/transfer", TransferAsync);
        group.MapPost("/{id}/claim", ClaimAsync);
        group.MapPost("/{id}/assign", AssignAsync);
        group.MapPost("/{id}/close", CloseAsync);
        group.MapPost("/{id}/reopen", ReopenAsync);
        group.MapPost("/{id}/notes", NoteAsync);
        group.MapGet("/{id}/audit", AuditAsync);
        group.MapPost("/{id}/messages/{messageId}/reveal", RevealAsync);
        return app;
    }

    private static async Task<Results<Ok<ConversationPage>, ValidationProblem, Refusal>> ListAsync(
        ClaimsPrincipal user, ConversationStore store, UnitCatalog catalog,
        string? unit = null, string? state = null, string? page = null, string? pageSize = null)
    {
        var errors = new List<(string, string)>();
        ConversationState? onlyState = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (ConversationStore.TryParseState(state, out var parsed))
            {
                onlyState = parsed;
            }
            else
            {
                errors.Add(("state", Texts.ConversationStateInvalid));
            }
        }

        var pageNumber = ParsePositive(page, 1, 10_000, "page", Texts.PageInvalid, errors);
        var size = ParsePositive(pageSize, DefaultPageSize, MaxPageSize, "pageSize", Texts.PageSizeInvalid, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        var (units, refusal) = UnitAccess.Scope(user, catalog, unit);
        if (refusal is not null)
        {
            return refusal;
        }

        IReadOnlyCollection<ConversationState> states = onlyState is { } s ? [s] : Enum.GetValues<ConversationState>();
        var found = await store.ListAsync(units, states, pageNumber, size).ConfigureAwait(false);
        return TypedResults.Ok(found with { Items = [.. found.Items.Select(Privacy.CpfMask.Masked)] });
    }

    /// <summary>
    /// One conversation with its thread, the names of the people in it (authors and holder), and its WhatsApp window;
    /// the caller has now seen every citizen message in it.
    /// </summary>
    private static async Task<Results<Ok<ConversationView>, Refusal>> GetAsync(
        string id, ClaimsPrincipal user, ConversationStore store, ConversationActions actions, Privacy.AuditTrail trail, Inbox.InboxQueries inbox, UserStore users,
        TimeProvider time)
    {
        var (conversation, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        await trail.RecordAsync("conversation.view", id).ConfigureAwait(false);
        await inbox.MarkReadAsync(user.UserId(), conversation!).ConfigureAwait(false);
        var messages = await store.GetMessagesAsync(id).ConfigureAwait(false);
        // CPFs a citizen typed are masked (LGPD minimisation); a clerk may reveal one message, which is audited.
        var masked = messages.Select(Privacy.CpfMask.Masked).ToList();
        var revealable = messages.Where(Privacy.CpfMask.Contains).Select(m => m.Id).ToList();
        // How it came to this unit, when another unit sent it: shown at the top for the receiving clerks.
        var transfer = (await actions.AuditAsync(id).ConfigureAwait(false)).LastOrDefault(a => a.Action == "transfer") is { Detail: { } detail } last
            && detail.Split(" -> ", 2) is [var from, var rest] && rest.Split(": ", 2) is [var to, var why] && to == conversation!.UnitId
                ? new TransferOrigin(from, why, last.At, last.UserId)
                : null;
        var people = await users.NamesAsync(messages.Select(m => m.AuthorId).Append(conversation!.AssigneeId).Append(transfer?.ByUserId)).ConfigureAwait(false);

        return TypedResults.Ok(new ConversationView(
            Privacy.CpfMask.Masked(conversation!), masked, revealable, people, transfer, WhatsAppWindow.Of(conversation!, messages, time.GetUtcNow())));
    }

    /// <summary>The text of one message as the citizen wrote it, CPF included: recorded in the audit trail.</summary>
    private static async Task<Results<Ok<RevealedMessage>, NotFoundProblem, Refusal>> RevealAsync(string id, string messageId, ClaimsPrincipal user, ConversationStore store, ConversationActions actions)
    {
        var (conversation, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (await store.GetMessageAsync(conversation!.Id, messageId).ConfigureAwait(false) is not { } message)
        {
            return new NotFoundProblem(Texts.Get("MessageNotFound"));
        }

        await actions.RecordAsync(id, user, "reveal", messageId).ConfigureAwait(false);
        return TypedResults.Ok(new RevealedMessage(message.Id, message.Text, message.Quoted));
    }

    public const int MaxReplyLength = 1600;

    /// <summary>An e-mail answer may be a letter; chat answers keep Twilio's limit for one message.</summary>
    public const int MaxEmailReplyLength = 20000;

    public static int MaxReplyLengthOf(Channel channel) => channel == Channel.Email ? MaxEmailReplyLength : MaxReplyLength;

    /// <summary>A clerk's answer: recorded, queued for the citizen's channel, and the conversation is answered.</summary>
    private static async Task<Results<SendAnswer, ValidationProblem, Refusal>> ReplyAsync(
        string id, ReplyRequest request, ClaimsPrincipal user, ConversationStore store, ConversationActions actions, TimeProvider time)
    {
        var (conversation, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var text = request.Text?.Trim();
        var max = MaxReplyLengthOf(conversation!.Channel);
        if (string.IsNullOrEmpty(text) || text.Length > max)
        {
            return Problems.Validation(("text", Texts.Format(nameof(Texts.ReplyTextInvalid), max)));
        }

        return await AnswerAsync(id, user, actions, time, text, "reply").ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the citizen a clerk's answer (typed, a case status, the video link) as one change on the record as it is
    /// now: queued in the outbox, a waiting conversation answered, audited as <paramref name="action"/> (with the
    /// message id unless <paramref name="detail"/> says otherwise). 202 with the message.
    /// </summary>
    internal static async Task<SendAnswer> AnswerAsync(
        string id, ClaimsPrincipal user, ConversationActions actions, TimeProvider time, string text, string action, string? detail = null)
    {
        var messageId = InboundStore.NewId(time.GetUtcNow());
        var result = await actions.ApplyAsync(id, user, action, detail ?? messageId, (before, now) => new ActionPlan(
            before with
            {
                State = before.State == ConversationState.Waiting ? ConversationState.Answered : before.State,
                LastActivityAt = now,
                ClerkAnsweredAt = now,
            },
            Send: new Outgoing(text, MessageAuthor.Clerk, user.UserId(), Id: messageId))).ConfigureAwait(false);
        return result.Queued is [var message, ..] ? TypedResults.Accepted($"/api/conversations/{id}", message) : Outcome(result);
    }

    public const int MaxTransferReasonLength = 500;
    public const int MaxNoteLength = 2000;

    /// <summary>The conversation, if it exists and the caller may act on it; else the 404 or 403 to answer.</summary>
    internal static async Task<(Conversation? Conversation, Refusal? Refusal)> GuardAsync(string id, ClaimsPrincipal user, ConversationStore store)
    {
        var conversation = await store.GetAsync(id).ConfigureAwait(false);
        if (conversation is null)
        {
            return (null, Refusal.NotFound(Texts.ConversationNotFound));
        }

        return user.CanAccessUnit(conversation.UnitId) ? (conversation, null) : (null, Refusal.Forbidden());
    }

    internal static ChangeAnswer Outcome(ChangeResult result) =>
        result is { Outcome: ChangeOutcome.Done, After: { } done }
            ? TypedResults.Ok(Privacy.CpfMask.Masked(done))
            : result.Outcome == ChangeOutcome.Busy
                ? new ConflictProblem(Texts.Get("ConversationBusy"))
                : new NotFoundProblem(Texts.ConversationNotFound);

    /// <summary>
    /// Moves a conversation to another unit, with a reason: it waits there under that unit's deadline (its own waiting
    /// period), and the thread records who moved it, from where, to where and why (an internal note, never sent).
    /// </summary>
    private static async Task<Results<ChangeAnswer, ValidationProblem, Refusal>> TransferAsync(
        string id, TransferRequest request, ClaimsPrincipal user, ConversationStore store, ConversationActions actions, UnitCatalog catalog, Sla.SlaClock clock)
    {
        var errors = new List<(string, string)>();
        var target = string.IsNullOrWhiteSpace(request.UnitId) ? null : catalog.Find(request.UnitId.Trim());
        if (string.IsNullOrWhiteSpace(request.UnitId))
        {
            errors.Add(("unitId", Texts.Get("TransferUnitRequired")));
        }
        else if (target is null)
        {
            errors.Add(("unitId", Texts.Get("TransferUnitUnknown")));
        }

        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxTransferReasonLength)
        {
            errors.Add(("reason", Texts.Format("TransferReasonRequired", MaxTransferReasonLength)));
        }

        var (exists, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (target is not null && target.Id == exists!.UnitId)
        {
            errors.Add(("unitId", Texts.Get("TransferSameUnit")));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        return Outcome(await actions.ApplyAsync(id, user, "transfer", $"{exists!.UnitId} -> {target!.Id}: {reason}", (before, now) =>
        {
            var fromName = before.UnitId is { } fromId && catalog.Find(fromId) is { } fromUnit ? fromUnit.Name : "—";
            var due = clock.DueAt(target, now);
            // The citizen is told once where the conversation went and until when the new unit answers; not why.
            var tell = due is { } at
                ? Texts.Format("CitizenTransferred", target.Name, Chatbot.BotFormat.When(clock.Promised(target, at), target.TimeZone))
                : Texts.Format("CitizenTransferredNoDeadline", target.Name);
            return new ActionPlan(
                before with
                {
                    UnitId = target.Id,
                    Labels = [], // the unit's own: they mean nothing to the next one
                    State = ConversationState.Waiting,
                    WaitingSince = now,
                    DueAt = due,
                    AssigneeId = null,
                    LastActivityAt = now,
                    ClerkAnsweredAt = null, // the next unit's survey rates the next unit's answer
                },
                Texts.Format("TransferNote", fromName, target.Name, reason!),
                tell);
        }, reason).ConfigureAwait(false));
    }

    /// <summary>The caller takes the conversation (others see who has it).</summary>
    private static async Task<Results<ChangeAnswer, Refusal>> ClaimAsync(string id, ClaimsPrincipal user, ConversationStore store, ConversationActions actions)
    {
        var (_, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        return refusal is not null ? refusal : Outcome(await actions.ApplyAsync(id, user, "claim", null,
            (before, _) => new ActionPlan(before with { AssigneeId = user.UserId() })).ConfigureAwait(false));
    }

    /// <summary>Gives the conversation to a colleague who works for its unit (or to nobody, with a null userId).</summary>
    private static async Task<Results<ChangeAnswer, ValidationProblem, Refusal>> AssignAsync(string id, AssignRequest request, ClaimsPrincipal user, ConversationStore store, ConversationActions actions, UserStore users)
    {
        var (conversation, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (request.UserId is { } assigneeId)
        {
            var assignee = await users.GetAsync(assigneeId).ConfigureAwait(false);
            if (assignee is null || assignee.Disabled
                || !(assignee.IsAdmin || assignee.ClerkOf.Contains(conversation!.UnitId ?? "") || assignee.ManagerOf.Contains(conversation.UnitId ?? "")))
            {
                return Problems.Validation(("userId", Texts.Get("AssignUserInvalid")));
            }
        }

        return Outcome(await actions.ApplyAsync(id, user, "assign", request.UserId,
            (before, _) => new ActionPlan(before with { AssigneeId = request.UserId })).ConfigureAwait(false));
    }

    /// <summary>
    /// Ends the conversation, and tells the citizen once that it ended and that writing again starts a new one (with the
    /// chatbot, at any hour). After a clerk's answer, the citizen is asked once how it went (1 to 5, and a comment): on
    /// chat as the assistant's numbered question (a list on Meta), by e-mail as a line of the closing letter; not when
    /// the citizen asked for no surveys, nor on WhatsApp outside the 24-hour window.
    /// </summary>
    private static async Task<Results<ChangeAnswer, Refusal>> CloseAsync(
        string id, ClaimsPrincipal user, ConversationStore store, ConversationActions actions, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        var (_, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var result = await actions.ApplyAsync(id, user, "close", null, (before, now) =>
        {
            if (before.State == ConversationState.Closed)
            {
                return null;
            }

            var unit = before.UnitId is { } unitId ? catalog.Find(unitId) : null;
            var closed = before with { State = ConversationState.Closed, LastActivityAt = now };
            var tell = unit is null ? Texts.Get("CitizenClosedNoUnit") : Texts.Format("CitizenClosed", unit.Name);
            if (unit is null || before.ClerkAnsweredAt is null || before.NoSurvey || before.Staff)
            {
                return new ActionPlan(closed, Tell: tell);
            }

            var surveyed = closed.AskedSurvey(unit.Id, user.UserId(), now);
            return before.Channel == Channel.Email
                ? new ActionPlan(surveyed, Tell: tell + "\n\n" + Texts.Get("MailSurvey"))
                : new ActionPlan(surveyed, Tell: tell, Ask: Texts.Format("BotSurvey", unit.Name));
        }).ConfigureAwait(false);
        if (result is { Outcome: ChangeOutcome.Done, After: { Surveys: [.., var survey] } after } && survey.AskedAt == after.LastActivityAt)
        {
            // The unit's report finds the survey by its time (a second step: the index lives on another slot).
            await redis.GetDatabase().SortedSetAddAsync(keys.UnitSurveys(survey.UnitId), SurveyId(after.Id, survey), survey.AskedAt.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }

        return Outcome(result);
    }

    /// <summary>A survey's id in its unit's index: "conversationId|askedAt (Unix ms)".</summary>
    internal static string SurveyId(string conversationId, SatisfactionSurvey survey) =>
        $"{conversationId}|{survey.AskedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Puts a closed conversation back in the unit's queue, under a new deadline.</summary>
    private static async Task<Results<ChangeAnswer, ConflictProblem, Refusal>> ReopenAsync(string id, ClaimsPrincipal user, ConversationStore store, ConversationActions actions, UnitCatalog catalog, Sla.SlaClock clock)
    {
        var (conversation, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (conversation!.State != ConversationState.Closed || conversation.UnitId is null || catalog.Find(conversation.UnitId) is not { } unit)
        {
            return new ConflictProblem(Texts.Get("ReopenNotClosed"));
        }

        return Outcome(await actions.ApplyAsync(id, user, "reopen", null, (before, now) =>
            new ActionPlan(before with
            {
                State = ConversationState.Waiting, WaitingSince = now, DueAt = clock.DueAt(unit, now), Bot = null, LastActivityAt = now, ClerkAnsweredAt = null,
            })).ConfigureAwait(false));
    }

    /// <summary>An internal note in the thread: for the unit's people only, never sent.</summary>
    private static async Task<Results<ChangeAnswer, ValidationProblem, Refusal>> NoteAsync(string id, ReplyRequest request, ClaimsPrincipal user, ConversationStore store, ConversationActions actions)
    {
        var (_, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var text = request.Text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxNoteLength)
        {
            return Problems.Validation(("text", Texts.Format(nameof(Texts.ReplyTextInvalid), MaxNoteLength)));
        }

        return Outcome(await actions.ApplyAsync(id, user, "note", null, (before, _) => new ActionPlan(before, text)).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, Refusal>> AuditAsync(string id, ClaimsPrincipal user, ConversationStore store, ConversationActions actions)
    {
        var (_, refusal) = await GuardAsync(id, user, store).ConfigureAwait(false);
        return refusal is not null ? refusal : TypedResults.Ok(await actions.AuditAsync(id).ConfigureAwait(false));
    }

    internal static int ParsePositive(string? text, int fallback, int max, string field, string message, List<(string, string)> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max)
        {
            return value;
        }

        errors.Add((field, message));
        return fallback;
    }
}
