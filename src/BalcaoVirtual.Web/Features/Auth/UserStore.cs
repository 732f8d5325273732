using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Auth;

/// <summary>Users in the store: one JSON record each, an e-mail index and the set of all ids, in one hash slot.</summary>
public sealed class UserStore(RedisConnections redis, RedisKeys keys)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Db => redis.GetDatabase();

    public async Task<User?> GetAsync(string id)
    {
        var value = await Db.StringGetAsync(keys.User(id)).ConfigureAwait(false);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<User>(value.ToString(), Json);
    }

    /// <summary>The names of these people (each once, in one pipeline); someone no longer stored is left out.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string?> ids)
    {
        var distinct = ids.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = await Task.WhenAll(distinct.Select(GetAsync)).ConfigureAwait(false);
        return found.OfType<User>().ToDictionary(u => u.Id, u => u.Name, StringComparer.Ordinal);
    }

    public async Task<User?> FindByEmailAsync(string email)
    {
        var id = await Db.StringGetAsync(keys.UserByEmail(User.NormalizeEmail(email))).ConfigureAwait(false);
        return id.IsNullOrEmpty ? null : await GetAsync(id.ToString()).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<User>> ListAsync()
    {
        var ids = await Db.SetMembersAsync(keys.AllUsers()).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await Db.StringGetAsync(ids.Select(id => keys.User(id.ToString())).ToArray()).ConfigureAwait(false);
        return values.Where(v => !v.IsNullOrEmpty)
            .Select(v => JsonSerializer.Deserialize<User>(v.ToString(), Json)!)
            .OrderBy(u => u.Email, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<long> CountAsync() => await Db.SetLengthAsync(keys.AllUsers()).ConfigureAwait(false);

    /// <summary>Creates the user unless the e-mail is taken; false when it is.</summary>
    public Task<bool> TryCreateAsync(User user) => TryCreateAsync(user, onlyIfFirst: false);

    /// <summary>
    /// Creates the bootstrap admin only if no user was ever bootstrapped, in the same transaction, so that
    /// several nodes starting together create exactly one.
    /// </summary>
    public Task<bool> TryCreateBootstrapAdminAsync(User admin) => TryCreateAsync(admin, onlyIfFirst: true);

    private async Task<bool> TryCreateAsync(User user, bool onlyIfFirst)
    {
        var emailKey = keys.UserByEmail(User.NormalizeEmail(user.Email));
        var tran = redis.ForTransactions().CreateTransaction();
        tran.AddCondition(Condition.KeyNotExists(emailKey));
        if (onlyIfFirst)
        {
            tran.AddCondition(Condition.KeyNotExists(keys.BootstrapDone()));
            tran.AddCondition(Condition.SetLengthEqual(keys.AllUsers(), 0));
            _ = tran.StringSetAsync(keys.BootstrapDone(), user.Id);
        }

        _ = tran.StringSetAsync(emailKey, user.Id);
        _ = tran.StringSetAsync(keys.User(user.Id), JsonSerializer.Serialize(user, Json));
        _ = tran.SetAddAsync(keys.AllUsers(), user.Id);
        return await tran.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>The user linked to an identity of the court's provider, if any.</summary>
    public async Task<User?> FindByExternalIdAsync(string externalId)
    {
        var id = await Db.StringGetAsync(keys.UserByExternalId(externalId)).ConfigureAwait(false);
        return id.IsNullOrEmpty ? null : await GetAsync(id.ToString()).ConfigureAwait(false);
    }

    /// <summary>Links the user's <see cref="User.ExternalId"/> to them; false when that identity is another user's already.</summary>
    public async Task<bool> LinkExternalIdAsync(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var key = keys.UserByExternalId(user.ExternalId ?? throw new ArgumentException("The user has no external id.", nameof(user)));
        return await Db.StringSetAsync(key, user.Id, when: When.NotExists).ConfigureAwait(false)
            || (await Db.StringGetAsync(key).ConfigureAwait(false)) == user.Id;
    }

    /// <summary>
    /// Changes a user's record as it is now in the store: <paramref name="change"/> gets the current record and returns
    /// the new one (null: leave it). Written only if nobody changed the record meanwhile, else read and changed again,
    /// so that a copy read earlier (before a password check, an identity provider's round trip) never undoes another
    /// change: an account disabled, sessions ended. The e-mail never changes. Returns the record written, or null when
    /// the user is gone or <paramref name="change"/> declined.
    /// </summary>
    public async Task<User?> UpdateAsync(string id, Func<User, User?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var key = keys.User(id);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var stored = await Db.StringGetAsync(key).ConfigureAwait(false);
            if (stored.IsNullOrEmpty || change(JsonSerializer.Deserialize<User>(stored.ToString(), Json)!) is not { } updated)
            {
                return null;
            }

            var tran = redis.ForTransactions().CreateTransaction();
            tran.AddCondition(Condition.StringEqual(key, stored));
            _ = tran.StringSetAsync(key, JsonSerializer.Serialize(updated with { Id = id }, Json));
            if (await tran.ExecuteAsync().ConfigureAwait(false))
            {
                await PublishChangedAsync(id).ConfigureAwait(false);
                return updated;
            }
        }

        throw new InvalidOperationException($"The record of user {id} kept changing while it was being updated.");
    }

    /// <summary>Tells every node that the user's roles or sessions changed, so their live connections are checked again.</summary>
    public Task PublishChangedAsync(string userId) => redis.GetSubscriber().PublishAsync(keys.UserChanged(), userId);
}
