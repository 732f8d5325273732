using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Conversations;

public sealed record ReplyRequest(string? Text);

public sealed record TransferRequest(string? UnitId, string? Reason);

public static class ConversationsFeature
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<InboundStore>();
        services.AddHostedService<InboundProcessor>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<ConversationObservers>();
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
        return app;
    }

    private static async Task<IResult> ListAsync(
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

        IReadOnlyCollection<string> units;
        if (!string.IsNullOrEmpty(unit))
        {
            if (!catalog.Contains(unit))
            {
                return Problems.NotFound(Texts.UnitNotFoundTitle);
            }

            if (!user.CanAccessUnit(unit))
            {
                return Problems.Forbidden();
            }

            units = [unit];
        }
        else
        {
            units = user.IsAdmin() ? catalog.Units.Select(u => u.Id).ToList() : user.AccessibleUnits();
        }

        IReadOnlyCollection<ConversationState> states = onlyState is { } s ? [s] : Enum.GetValues<ConversationState>();
        return Results.Ok(await store.ListAsync(units, states, pageNumber, size).ConfigureAwait(false));
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, ConversationStore store)
    {
        var conversation = await store.GetAsync(id).ConfigureAwait(false);
        if (conversation is null)
        {
            return Problems.NotFound(Texts.ConversationNotFound);
        }

        if (!user.CanAccessUnit(conversation.UnitId))
        {
            return Problems.Forbidden();
        }

        var messages = await store.GetMessagesAsync(id).ConfigureAwait(false);
        return Results.Ok(new { conversation, messages });
    }

    public const int MaxReplyLength = 1600;

    /// <summary>A clerk's answer: recorded, queued for the citizen's channel, and the conversation is answered.</summary>
    private static async Task<IResult> ReplyAsync(
        string id, ReplyRequest request, ClaimsPrincipal user, ConversationStore store, Outbox outbox, TimeProvider time)
    {
        var conversation = await store.GetAsync(id).ConfigureAwait(false);
        if (conversation is null)
        {
            return Problems.NotFound(Texts.ConversationNotFound);
        }

        if (!user.CanAccessUnit(conversation.UnitId))
        {
            return Problems.Forbidden();
        }

        var text = request.Text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxReplyLength)
        {
            return Problems.Validation(("text", Texts.Format(nameof(Texts.ReplyTextInvalid), MaxReplyLength)));
        }

        var message = await outbox.QueueAsync(conversation, text, MessageAuthor.Clerk, user.UserId()).ConfigureAwait(false);
        await store.SaveAsync(conversation with
        {
            State = conversation.State == ConversationState.Waiting ? ConversationState.Answered : conversation.State,
            LastActivityAt = time.GetUtcNow(),
        }).ConfigureAwait(false);
        return Results.Accepted($"/api/conversations/{id}", message);
    }

    public const int MaxTransferReasonLength = 500;

    /// <summary>
    /// Moves a conversation to another unit, with a reason: it waits there under that unit's deadline (its own waiting
    /// period), and the thread records who moved it, from where, to where and why (an internal note, never sent).
    /// </summary>
    private static async Task<IResult> TransferAsync(
        string id, TransferRequest request, ClaimsPrincipal user, ConversationStore store, ConversationObservers observers,
        UnitCatalog catalog, Sla.SlaClock clock, Infrastructure.Storage.RedisConnections redis, Infrastructure.Storage.RedisKeys keys, TimeProvider time)
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

        var exists = await store.GetAsync(id).ConfigureAwait(false);
        if (exists is null)
        {
            return Problems.NotFound(Texts.ConversationNotFound);
        }

        if (!user.CanAccessUnit(exists.UnitId))
        {
            return Problems.Forbidden();
        }

        if (target is not null && target.Id == exists.UnitId)
        {
            errors.Add(("unitId", Texts.Get("TransferSameUnit")));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (before, raw) = await store.GetWithVersionAsync(id).ConfigureAwait(false);
            if (before is null)
            {
                return Problems.NotFound(Texts.ConversationNotFound);
            }

            var now = time.GetUtcNow();
            var after = before with
            {
                UnitId = target!.Id,
                State = ConversationState.Waiting,
                WaitingSince = now,
                DueAt = clock.DueAt(target, now),
                AssigneeId = null,
                LastActivityAt = now,
            };
            var fromName = before.UnitId is { } fromId && catalog.Find(fromId) is { } fromUnit ? fromUnit.Name : "—";
            var note = new Message
            {
                Id = InboundStore.NewId(now),
                Direction = MessageDirection.Internal,
                Channel = before.Channel,
                Author = MessageAuthor.Clerk,
                AuthorId = user.UserId(),
                Text = Texts.Format("TransferNote", fromName, target.Name, reason!),
                CreatedAt = now,
            };
            var observed = await observers.PrepareAsync(before, after, new ChangeContext(user.UserId(), reason)).ConfigureAwait(false);
            var tran = redis.GetDatabase().CreateTransaction();
            tran.AddCondition(StackExchange.Redis.Condition.StringEqual(keys.Conversation(id), raw));
            store.AddSave(tran, after);
            store.AddAppend(tran, id, note);
            ConversationObservers.AddWrites(tran, observed);
            if (!await tran.ExecuteAsync().ConfigureAwait(false))
            {
                continue;
            }

            await store.IndexAsync(before, after).ConfigureAwait(false);
            await ConversationObservers.AfterCommitAsync(observed).ConfigureAwait(false);
            return Results.Ok(after);
        }

        return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: Texts.Get("ConversationBusy"));
    }

    private static int ParsePositive(string? text, int fallback, int max, string field, string message, List<(string, string)> errors)
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
