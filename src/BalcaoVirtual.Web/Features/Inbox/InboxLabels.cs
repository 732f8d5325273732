using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>One of a unit's labels ("Alvará", "Audiência"): a random id, which stays when it is renamed and is never reused.</summary>
public sealed record UnitLabel(string Id, string Name);

public sealed record LabelRequest(string? Name);

public sealed record ConversationLabelsRequest(IReadOnlyList<string>? Labels);

/// <summary>A label with the unit it belongs to (GET /api/labels: every unit the caller sees).</summary>
public sealed record UnitLabelOf(string UnitId, string Id, string Name);

/// <summary>
/// Each unit's labels, kept by its managers, set on its conversations by its clerks (audited like any action), filtered
/// by in the inbox and counted in the SLA report. A label belongs to its unit: a transfer takes the labels off.
/// </summary>
internal static class InboxLabels
{
    public const int MaxName = 40;
    public const int MaxPerUnit = 50;
    public const int MaxPerConversation = 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapInboxLabels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/labels", AllAsync).RequireAuthorization();
        app.MapGet("/api/units/{id}/labels", ListAsync).RequireAuthorization();
        app.MapPost("/api/units/{id}/labels", AddAsync).RequireAuthorization();
        app.MapPut("/api/units/{id}/labels/{labelId}", RenameAsync).RequireAuthorization();
        app.MapDelete("/api/units/{id}/labels/{labelId}", DeleteAsync).RequireAuthorization();
        app.MapPut("/api/conversations/{id}/labels", SetAsync).RequireAuthorization();
        return app;
    }

    /// <summary>A unit's labels by name.</summary>
    public static async Task<IReadOnlyList<UnitLabel>> ReadAsync(IDatabase db, RedisKeys keys, string unitId)
    {
        var entries = await db.HashGetAllAsync(keys.UnitLabels(unitId)).ConfigureAwait(false);
        return [.. entries.Select(e => JsonSerializer.Deserialize<UnitLabel>(e.Value.ToString(), Json)!).OrderBy(l => l.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>What a label id looks like: 8 hex digits (checked before it names a key).</summary>
    internal static bool IsId(string? id) => id is { Length: 8 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Two names are the same label when they differ only in case, accents and spacing.</summary>
    private static string Same(string name) => string.Join(' ', SearchTerms.Fold(name).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The labels of every unit the caller sees (the inbox's filter and its rows), one pipeline.</summary>
    private static async Task<Ok<IEnumerable<UnitLabelOf>>> AllAsync(ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        var (units, _) = UnitAccess.Scope(user, catalog, null);
        var db = redis.GetDatabase();
        var all = await Task.WhenAll(units.Select(async u => (Unit: u, Labels: await ReadAsync(db, keys, u).ConfigureAwait(false)))).ConfigureAwait(false);
        return TypedResults.Ok(all.SelectMany(u => u.Labels.Select(l => new UnitLabelOf(u.Unit, l.Id, l.Name))));
    }

    private static async Task<Results<Ok<IReadOnlyList<UnitLabel>>, Refusal>> ListAsync(string id, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys) =>
        UnitAccess.Refusal(user, catalog, id) is { } refusal ? refusal : TypedResults.Ok(await ReadAsync(redis.GetDatabase(), keys, id).ConfigureAwait(false));

    private static async Task<Results<Created<UnitLabel>, ValidationProblem, ConflictProblem, Refusal>> AddAsync(string id, LabelRequest? request, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        if (UnitAccess.Refusal(user, catalog, id, manage: true) is { } refusal)
        {
            return refusal;
        }

        if (ValidName(request?.Name) is not { } name)
        {
            return Problems.Validation(("name", Texts.Format("LabelNameInvalid", MaxName)));
        }

        var db = redis.GetDatabase();
        var existing = await ReadAsync(db, keys, id).ConfigureAwait(false);
        if (existing.Count >= MaxPerUnit)
        {
            return Problems.Validation(("name", Texts.Format("LabelTooMany", MaxPerUnit)));
        }

        if (existing.FirstOrDefault(l => Same(l.Name) == Same(name)) is { } twin)
        {
            return new ConflictProblem(Texts.Format("LabelExists", twin.Name));
        }

        var label = new UnitLabel(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), name);
        await db.HashSetAsync(keys.UnitLabels(id), label.Id, JsonSerializer.Serialize(label, Json)).ConfigureAwait(false);
        return TypedResults.Created($"/api/units/{id}/labels/{label.Id}", label);
    }

    private static async Task<Results<Ok<UnitLabel>, ValidationProblem, ConflictProblem, NotFoundProblem, Refusal>> RenameAsync(
        string id, string labelId, LabelRequest? request, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        if (UnitAccess.Refusal(user, catalog, id, manage: true) is { } refusal)
        {
            return refusal;
        }

        if (ValidName(request?.Name) is not { } name)
        {
            return Problems.Validation(("name", Texts.Format("LabelNameInvalid", MaxName)));
        }

        if ((await ReadAsync(redis.GetDatabase(), keys, id).ConfigureAwait(false)).FirstOrDefault(l => l.Id != labelId && Same(l.Name) == Same(name)) is { } twin)
        {
            return new ConflictProblem(Texts.Format("LabelExists", twin.Name));
        }

        var label = new UnitLabel(labelId, name);
        return await HashFields.SetIfPresentAsync(redis.GetDatabase(), keys.UnitLabels(id), labelId, JsonSerializer.Serialize(label, Json)).ConfigureAwait(false)
            ? TypedResults.Ok(label)
            : new NotFoundProblem(Texts.Get("LabelNotFound"));
    }

    /// <summary>The label goes from the unit's list and from its filter; conversations that bore it just no longer show it.</summary>
    private static async Task<Results<NoContent, NotFoundProblem, Refusal>> DeleteAsync(string id, string labelId, ClaimsPrincipal user, UnitCatalog catalog, RedisConnections redis, RedisKeys keys)
    {
        if (UnitAccess.Refusal(user, catalog, id, manage: true) is { } refusal)
        {
            return refusal;
        }

        var db = redis.GetDatabase();
        if (!await db.HashDeleteAsync(keys.UnitLabels(id), labelId).ConfigureAwait(false))
        {
            return new NotFoundProblem(Texts.Get("LabelNotFound"));
        }

        await db.KeyDeleteAsync(keys.UnitLabeled(id, labelId)).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>PUT the whole set of labels a conversation bears (ids of its unit's labels; an empty list takes them all off).</summary>
    private static async Task<Results<ChangeAnswer, ValidationProblem, Refusal>> SetAsync(
        string id, ConversationLabelsRequest? request, ClaimsPrincipal user, ConversationStore store, ConversationActions actions, RedisConnections redis, RedisKeys keys)
    {
        var (conversation, refused) = await ConversationsFeature.GuardAsync(id, user, store).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (request?.Labels is null || request.Labels.Count > MaxPerConversation)
        {
            return Problems.Validation(("labels", Texts.Format("LabelsInvalid", MaxPerConversation)));
        }

        var unitId = conversation!.UnitId!;
        var known = (await ReadAsync(redis.GetDatabase(), keys, unitId).ConfigureAwait(false)).ToDictionary(l => l.Id, StringComparer.Ordinal);
        var unknown = request.Labels.Where(l => l is null || !known.ContainsKey(l)).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation(("labels", Texts.Get("LabelUnknown")));
        }

        var labels = request.Labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return ConversationsFeature.Outcome(await actions.ApplyAsync(id, user, "labels", string.Join(", ", labels.Select(l => known[l].Name).Order(StringComparer.CurrentCulture)), (before, _) =>
            before.UnitId == unitId && !before.Labels.SequenceEqual(labels) ? new ActionPlan(before with { Labels = labels }) : null).ConfigureAwait(false));
    }

    private static string? ValidName(string? name)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxName || !trimmed.Any(char.IsLetterOrDigit) ? null : trimmed;
    }
}
