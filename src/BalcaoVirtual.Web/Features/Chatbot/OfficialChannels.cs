using System.Text.RegularExpressions;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.PublicSite;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>What a message named that could be a channel of the court: a phone number, an e-mail address or a link.</summary>
public enum ChannelKind
{
    Phone,
    Email,
    Link,
}

/// <summary>
/// One phone number, address or link found in a message, as written, and whose it is: a unit's or the court's name when it
/// is one of their channels; null when it is not; <see cref="Incomplete"/> for a phone number without its area code.
/// </summary>
public sealed record ChannelCheck(ChannelKind Kind, string Written, string? Owner, bool Incomplete = false)
{
    public bool Official => Owner is not null;
}

/// <summary>
/// The court's official channels, from the catalogue and the settings: the units' and the court's WhatsApp and SMS
/// numbers and e-mail addresses, the units' video-desk links, and the court's sites (the domains of its own e-mail
/// addresses under jus.br, the PJe, the privacy policy, this service's public page). A citizen asks whether a number,
/// an address or a link they were sent is the court's: the fake-lawyer scam ("golpe do falso advogado") writes from
/// numbers and sites that look official.
/// </summary>
public sealed partial class OfficialChannels(UnitCatalog catalog, IOptions<ChatbotOptions> chatbot, IOptions<PublicSiteOptions> site)
{
    /// <summary>At most this many candidates are checked in one message (a forwarded message may list many).</summary>
    public const int MaxChecked = 3;

    /// <summary>Every phone number, e-mail address and link in <paramref name="text"/> (at most <see cref="MaxChecked"/>), each checked.</summary>
    public IReadOnlyList<ChannelCheck> Check(string? text) =>
        [.. Candidates(text).Select(c => c.Kind switch
        {
            ChannelKind.Email => c with { Owner = OwnerOfEmail(c.Written) },
            ChannelKind.Link => c with { Owner = OwnerOfLink(c.Written) },
            _ when c.Incomplete => c,
            _ => c with { Owner = OwnerOfPhone(Digits(c.Written)) },
        })];

    /// <summary>What is read of a message for channels: a forwarded message fits; more is cut, never scanned whole.</summary>
    private const int MaxScanned = 2_000;

    /// <summary>
    /// The phone numbers, e-mail addresses and links <paramref name="text"/> names, unchecked: phone numbers first (what
    /// the scam writes from), then addresses, then links, at most <see cref="MaxChecked"/>.
    /// </summary>
    public static IReadOnlyList<ChannelCheck> Candidates(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        text = text.Length > MaxScanned ? text[..MaxScanned] : text;
        var emails = EmailPattern().Matches(text).Select(m => new ChannelCheck(ChannelKind.Email, m.Value, null)).ToList();
        var rest = EmailPattern().Replace(text, " ");
        var links = LinkPattern().Matches(rest).Select(m => Trimmed(m.Value))
            .Where(IsLink).Select(l => new ChannelCheck(ChannelKind.Link, l, null)).ToList();
        rest = LinkPattern().Replace(rest, m => IsLink(Trimmed(m.Value)) ? " " : m.Value);
        var phones = new List<ChannelCheck>();
        foreach (Match m in PhonePattern().Matches(rest))
        {
            var digits = m.Value.Count(char.IsAsciiDigit);
            if (digits is >= 8 and <= 13 && !CpfShape().IsMatch(m.Value.Trim()))
            {
                // Not a case number (20 digits), a date or a sum; 8 or 9 digits are a number without its area code.
                phones.Add(new ChannelCheck(ChannelKind.Phone, m.Value.Trim(), null, Incomplete: digits <= 9));
            }
        }

        return [.. phones.Concat(emails).Concat(links).Take(MaxChecked)];
    }

    /// <summary>
    /// A token read as a link: with a scheme or "www.", or a host whose last label is a common top-level domain, or a
    /// host of three labels or more ("trt8.jus.br.alvara.lat").
    /// </summary>
    private static bool IsLink(string token)
    {
        if (token.Contains("://", StringComparison.Ordinal) || token.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = token.Split('/')[0];
        var labels = host.Split('.');
        // "12.400", a CPF or a case number is no host: its last label has no letter.
        return labels[^1].Any(char.IsAsciiLetter) && (labels.Length >= 3 || CommonTopLevel.Contains(labels[^1]));
    }

    private static string Trimmed(string token) => token.TrimEnd('.', ',', ';', ')', '?', '!');

    private static readonly HashSet<string> CommonTopLevel = new(StringComparer.OrdinalIgnoreCase)
    {
        "br", "com", "net", "org", "info", "xyz", "site", "online", "app", "link", "ly", "me", "io", "top", "shop", "vip", "lat", "icu",
        "cc", "ru", "cn", "co", "club", "live", "store", "biz", "pro", "tk", "ml", "ga", "cf", "gq",
    };

    /// <summary>The court's sites, for the bot to say where the official channels are listed.</summary>
    public Uri? PublicPage => site.Value.BaseUrl;

    private string? OwnerOfPhone(string digits)
    {
        // Brazilian numbers as people write them: with or without the country code, the trunk 0 ("091 …"), and mobiles
        // with or without the ninth digit (an old contact card has "91 8123-4567" for "91 98123-4567").
        digits = digits.TrimStart('0');
        var full = ContactAddress.WithCountryCode(digits);
        foreach (var (number, owner) in Phones())
        {
            if (SamePhone(full, number))
            {
                return owner;
            }
        }

        return null;
    }

    /// <summary>Whether two numbers (digits, with the country code) are one: a mobile's ninth digit restored on both.</summary>
    internal static bool SamePhone(string a, string b) => ContactAddress.NormalizeDigits(a) == ContactAddress.NormalizeDigits(b);

    private IEnumerable<(string Digits, string Owner)> Phones()
    {
        foreach (var court in catalog.Courts.Where(c => c.WhatsApp is not null))
        {
            yield return (Digits(court.WhatsApp!), court.Name);
        }

        foreach (var unit in catalog.Units)
        {
            foreach (var number in unit.Channels.WhatsApp.Concat(unit.Channels.Sms))
            {
                yield return (Digits(number), unit.Name);
            }
        }
    }

    private string? OwnerOfEmail(string address)
    {
        var court = catalog.Courts.FirstOrDefault(c => string.Equals(c.Email, address, StringComparison.OrdinalIgnoreCase));
        var unit = catalog.Units.FirstOrDefault(u => string.Equals(u.Channels.Email, address, StringComparison.OrdinalIgnoreCase));
        return unit?.Name ?? court?.Name;
    }

    private string? OwnerOfLink(string written)
    {
        var withScheme = written.Contains("://", StringComparison.Ordinal) ? written : "https://" + written;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var link) || link.Scheme is not ("http" or "https"))
        {
            return null;
        }

        // A video desk is official only as the unit's own room: another Meet code is anybody's.
        var desk = catalog.Units.FirstOrDefault(u => u.VideoDeskUrl is { } url
            && string.Equals(url.Host, link.Host, StringComparison.OrdinalIgnoreCase)
            && string.Equals(url.AbsolutePath.TrimEnd('/'), link.AbsolutePath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
        if (desk is not null)
        {
            return desk.Name;
        }

        var host = link.Host.ToLowerInvariant();
        return SiteDomains().Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal)) ? CourtName : null;
    }

    private string CourtName => catalog.Courts is [var first, ..] ? first.Name : chatbot.Value.CourtName;

    /// <summary>The court's own domains: of its e-mail addresses under jus.br, and of the sites the settings name.</summary>
    private IEnumerable<string> SiteDomains()
    {
        var addresses = catalog.Courts.Select(c => c.Email).Concat(catalog.Units.Select(u => u.Channels.Email)).OfType<string>();
        foreach (var address in addresses)
        {
            var domain = address[(address.LastIndexOf('@') + 1)..].ToLowerInvariant();
            if (domain.EndsWith(".jus.br", StringComparison.Ordinal))
            {
                yield return domain;
            }
        }

        foreach (var url in new[] { chatbot.Value.PjeUrl, chatbot.Value.PrivacyPolicyUrl, site.Value.BaseUrl })
        {
            if (url is not null && url.Host.Length > 0 && url.Host != "localhost")
            {
                yield return url.Host.ToLowerInvariant();
            }
        }
    }

    private static string Digits(string written) => new([.. written.Where(char.IsAsciiDigit)]);

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    /// <summary>A link-shaped token, whole ("trt8.jus.br.alvara.lat/x", not its first three labels); <see cref="IsLink"/> decides.</summary>
    [GeneratedRegex(@"(?:https?://|www\.)[^\s<>""]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+(?:/[^\s<>""]*)?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^\d{3}\.\d{3}\.\d{3}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CpfShape();

    /// <summary>Digits with the separators people write phone numbers with ("(91) 98123-4567", "+55 91 3000 0000").</summary>
    [GeneratedRegex(@"[+(]?\d[\d\s().-]{6,}\d", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
