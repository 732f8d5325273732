using System.Globalization;
using System.Resources;

namespace BalcaoVirtual.Web.Resources;

/// <summary>Text a citizen, clerk or manager reads, in Brazilian Portuguese, from Texts.resx.</summary>
internal static class Texts
{
    private static readonly ResourceManager Manager = new("BalcaoVirtual.Web.Resources.Texts", typeof(Texts).Assembly);

    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");

    public static string Get(string name) => Manager.GetString(name, PtBr) ?? throw new InvalidOperationException($"Missing text resource {name}.");

    /// <summary>The text of this name, or null when there is none (a name built from data, such as an audit action).</summary>
    public static string? Find(string name) => Manager.GetString(name, PtBr);

    public static string Format(string name, params object[] args) => string.Format(PtBr, Get(name), args);

    /// <summary>Every text whose name starts with <paramref name="prefix"/> (what a page's script shows), by name.</summary>
    public static IReadOnlyDictionary<string, string> WithPrefix(string prefix)
    {
        var set = Manager.GetResourceSet(PtBr, createIfNotExists: true, tryParents: true)!;
        return set.Cast<System.Collections.DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    public static string AuthRequired => Get(nameof(AuthRequired));

    public static string AuthForbidden => Get(nameof(AuthForbidden));

    public static string SignInInvalid => Get(nameof(SignInInvalid));

    public static string SignInLocked => Get(nameof(SignInLocked));

    public static string SignInMissingFields => Get(nameof(SignInMissingFields));

    public static string UnitNotFound => Get(nameof(UnitNotFound));

    public static string UnitNotFoundTitle => Get(nameof(UnitNotFoundTitle));

    public static string UserNotFound => Get(nameof(UserNotFound));

    public static string UserEmailTaken => Get(nameof(UserEmailTaken));

    public static string UserEmailInvalid => Get(nameof(UserEmailInvalid));

    public static string UserNameRequired => Get(nameof(UserNameRequired));

    public static string UserPasswordTooShort => Get(nameof(UserPasswordTooShort));

    public static string UserUnknownUnit => Get(nameof(UserUnknownUnit));

    public static string UserCannotDemoteSelf => Get(nameof(UserCannotDemoteSelf));

    public static string ConversationNotFound => Get(nameof(ConversationNotFound));

    public static string ConversationStateInvalid => Get(nameof(ConversationStateInvalid));

    public static string PageInvalid => Get(nameof(PageInvalid));

    public static string ValidationTitle => Get(nameof(ValidationTitle));

    public static string BadRequestTitle => Get(nameof(BadRequestTitle));

    public static string StoreUnavailable => Get(nameof(StoreUnavailable));

    public static string PageSizeInvalid => Get(nameof(PageSizeInvalid));

    public static string ReplyTextInvalid => Get(nameof(ReplyTextInvalid));
}
