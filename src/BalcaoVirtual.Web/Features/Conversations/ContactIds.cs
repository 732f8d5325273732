using System.Security.Cryptography;
using System.Text;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// A contact's id: the first 80 bits, in hex, of an HMAC-SHA256 of "Channel:Normalized" under a key kept in the store.
/// The id names the contact in keys, logs and links (every conversation id starts with it); without the key nobody can
/// go back from an id to the phone number or address, however few numbers there are to try.
/// </summary>
public sealed class ContactIds
{
    /// <summary>Hex characters in an id.</summary>
    public const int Length = 20;

    /// <summary>What the store's scheme marker says once every id in it is derived this way.</summary>
    public const string Scheme = "hmac-sha256";

    private byte[]? key;

    /// <summary>The id of <paramref name="address"/>.</summary>
    public string Of(ContactAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Derive($"{address.Channel}:{address.Normalized}");
    }

    /// <summary>
    /// An id for a contact of an older store whose address is no longer known (only the old id is): as unlinkable as
    /// any other, and the same every time, so that a migration cut short and run again picks the same one.
    /// </summary>
    internal string ForLegacy(string oldId) => Derive("legacy:" + oldId);

    /// <summary>
    /// A keyed digest of something else a key must not reveal (a word of the inbox search): 64 bits in hex, under the
    /// same key, in a domain of its own (<paramref name="purpose"/>) so it never equals a contact's id.
    /// </summary>
    internal string Keyed(string purpose, string text) => Derive($"{purpose}|{text}", 16);

    private string Derive(string subject, int length = Length)
    {
        var secret = key ?? throw new StoreNotReadyException("The contact-id key");
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(subject)))[..length];
    }

    /// <summary>The ids of the store behind <paramref name="db"/>: its key is created on first use, once for every node.</summary>
    public static async Task<ContactIds> ReadAsync(IDatabase db, RedisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        byte[]? stored = await db.StringGetAsync(keys.ContactIdKey()).ConfigureAwait(false);
        if (stored is null)
        {
            if (await db.KeyExistsAsync(keys.ContactIdScheme()).ConfigureAwait(false))
            {
                // A new key would give every known contact a new id: each returning citizen a new conversation.
                throw new ContactIdKeyMissingException(
                    $"The store's contact ids were derived with a key, but the key ({keys.ContactIdKey()}) is missing: restore it from a backup of the store, or delete {keys.ContactIdScheme()} to start new ids (returning citizens then open new conversations).");
            }

            await db.StringSetAsync(keys.ContactIdKey(), RandomNumberGenerator.GetBytes(32), when: When.NotExists).ConfigureAwait(false);
            stored = await db.StringGetAsync(keys.ContactIdKey()).ConfigureAwait(false);
        }

        return stored is { Length: >= 32 }
            ? new ContactIds { key = stored }
            : throw new InvalidOperationException($"The store's contact-id key ({keys.ContactIdKey()}) is shorter than 32 bytes: it was not written by this service.");
    }

    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done once the ids can be derived: workers that read the store wait for it (the store's ids may be changing).</summary>
    public Task Ready => key is null ? ready.Task : Task.CompletedTask;

    /// <summary>Takes the key of another instance (the one the start-up read).</summary>
    internal void Use(ContactIds other)
    {
        key = other.key;
        ready.TrySetResult();
    }
}

/// <summary>The store's ids were derived with a key that is no longer in it: the service refuses to start rather than make new ids.</summary>
public sealed class ContactIdKeyMissingException(string message) : Exception(message);
