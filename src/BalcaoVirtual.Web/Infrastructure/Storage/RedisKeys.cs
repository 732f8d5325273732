using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// Every key this service writes is built here. Keys that take part in one atomic step share a hash tag
/// (the part between braces), so the step stays valid on Redis Cluster.
/// </summary>
public sealed class RedisKeys(IOptions<StorageOptions> options)
{
    private readonly string prefix = options.Value.KeyPrefix;

    // Users: all user keys share one slot, so that creating a user (record + e-mail index + list) is one transaction.
    private string UsersTag => $"{prefix}:{{users}}";

    public RedisKey User(string userId) => $"{UsersTag}:user:{userId}";

    public RedisKey UserByEmail(string normalizedEmail) => $"{UsersTag}:email:{normalizedEmail}";

    public RedisKey AllUsers() => $"{UsersTag}:all";

    public RedisKey BootstrapDone() => $"{UsersTag}:bootstrapped";

    /// <summary>Failed sign-in state, keyed by a digest of the e-mail so the key holds no personal data.</summary>
    public RedisKey SignInFailures(string normalizedEmail) => $"{prefix}:signin:{Digest(normalizedEmail)}";

    /// <summary>Session tokens are stored by their SHA-256, never as given to the client.</summary>
    public RedisKey Token(string token) => $"{prefix}:token:{Digest(token)}";

    // Conversations: the record and its messages share the conversation's tag.
    public RedisKey Conversation(string conversationId) => $"{prefix}:{{c:{conversationId}}}:conv";

    public RedisKey ConversationMessages(string conversationId) => $"{prefix}:{{c:{conversationId}}}:messages";

    /// <summary>Index of a unit's conversations in one state, scored by last activity (Unix ms).</summary>
    public RedisKey UnitConversations(string unitId, string state) => $"{prefix}:unit:{unitId}:conversations:{state}";

    public RedisKey Probe() => $"{prefix}:probe";

    public string Prefix => prefix;

    internal static string Digest(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
