using System.Globalization;
using System.Text;
using System.Text.Json;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Channels.Meta;

/// <summary>One message a citizen sent, as read from a Meta webhook.</summary>
public sealed record MetaInbound(string PhoneNumberId, string DisplayNumber, string From, string Wamid, string Text, string? ProfileName,
    IReadOnlyList<string> Media, IReadOnlyList<string> MediaTypes);

/// <summary>One delivery status of a message we sent; <see cref="ErrorCode"/> on failed ones.</summary>
public sealed record MetaStatus(string PhoneNumberId, string Wamid, string Status, string RecipientId, string? ErrorCode);

/// <summary>
/// Reads Meta's webhook envelope (protocols.md §6): every entry, change, message and status. Items it cannot use (no
/// id, no sender) are left out; the whole body is refused only when it is not JSON at all.
/// </summary>
public static class MetaPayload
{
    /// <summary>
    /// Reads a webhook body (valid UTF-8). Throws <see cref="JsonException"/> when it is not JSON. Half an escaped
    /// surrogate pair (a "\ud83d" escape alone: a cut emoji) cannot be read as .NET text: such a body is read again with
    /// each lone half as U+FFFD, so the message is kept.
    /// </summary>
    public static (List<MetaInbound> Messages, List<MetaStatus> Statuses) Parse(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        try
        {
            return Read(doc.RootElement);
        }
        catch (InvalidOperationException)
        {
            using var repaired = JsonDocument.Parse(WithoutLoneSurrogates(Encoding.UTF8.GetString(body)));
            return Read(repaired.RootElement);
        }
    }

    /// <summary>JSON text with every escaped surrogate that is not half of an escaped pair replaced by <c>\ufffd</c>.</summary>
    internal static string WithoutLoneSurrogates(string json)
    {
        var result = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != '\\' || i + 1 >= json.Length)
            {
                result.Append(json[i]);
                continue;
            }

            if (Escaped(json, i) is not { } unit)
            {
                result.Append(json, i, 2); // any other escape (an escaped backslash too) is copied whole
                i++;
                continue;
            }

            if (char.IsHighSurrogate(unit) && Escaped(json, i + 6) is { } low && char.IsLowSurrogate(low))
            {
                result.Append(json, i, 12);
                i += 11;
            }
            else
            {
                result.Append(char.IsSurrogate(unit) ? "\\ufffd" : json.Substring(i, 6));
                i += 5;
            }
        }

        return result.ToString();
    }

    /// <summary>The code unit of a "\uXXXX" escape at <paramref name="at"/>, if there is one.</summary>
    private static char? Escaped(string json, int at) =>
        at + 6 <= json.Length && json[at] == '\\' && json[at + 1] == 'u' &&
        ushort.TryParse(json.AsSpan(at + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit)
            ? (char)unit
            : null;

    public static (List<MetaInbound> Messages, List<MetaStatus> Statuses) Read(JsonElement root)
    {
        var messages = new List<MetaInbound>();
        var statuses = new List<MetaStatus>();
        foreach (var entry in Array(root, "entry"))
        {
            foreach (var change in Array(entry, "changes"))
            {
                if (Text(change, "field") != "messages" || !change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var metadata = Child(value, "metadata") ?? default;
                var phoneNumberId = Text(metadata, "phone_number_id");
                if (phoneNumberId is null)
                {
                    continue;
                }

                var display = new string((Text(metadata, "display_phone_number") ?? "").Where(char.IsAsciiDigit).ToArray());
                var names = Array(value, "contacts")
                    .Select(c => (Id: Text(c, "wa_id"), Name: Child(c, "profile") is { } p ? Text(p, "name") : null))
                    .Where(c => c.Id is not null)
                    .GroupBy(c => c.Id!)
                    .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
                foreach (var message in Array(value, "messages"))
                {
                    if (Read(message, phoneNumberId, display, names) is { } inbound)
                    {
                        messages.Add(inbound);
                    }
                }

                foreach (var status in Array(value, "statuses"))
                {
                    var (id, state, recipient) = (Text(status, "id"), Text(status, "status"), Text(status, "recipient_id"));
                    if (id is not null && state is not null && recipient is not null)
                    {
                        var code = Array(status, "errors").Select(ErrorCode).FirstOrDefault(c => c is not null);
                        statuses.Add(new MetaStatus(phoneNumberId, id, state, recipient, code));
                    }
                }
            }
        }

        return (messages, statuses);
    }

    private static MetaInbound? Read(JsonElement message, string phoneNumberId, string display, Dictionary<string, string?> names)
    {
        var (from, id, type) = (Text(message, "from"), Text(message, "id"), Text(message, "type"));
        if (from is null || string.IsNullOrEmpty(id) || from.Length is < 8 or > 15 || !from.All(char.IsAsciiDigit))
        {
            return null;
        }

        var media = new List<string>();
        var types = new List<string>();
        var body = Child(message, type ?? "") ?? default;
        string text;
        switch (type)
        {
            case "text":
                text = Text(body, "body") ?? "";
                break;
            case "image" or "audio" or "video" or "document" or "sticker":
                text = Text(body, "caption") ?? "";
                if (Text(body, "id") is { } mediaId)
                {
                    media.Add("meta-media:" + mediaId);
                    types.Add(Text(body, "mime_type") ?? "application/octet-stream");
                }

                break;
            case "location":
                var place = string.Join(", ", new[] { Text(body, "name"), Text(body, "address") }.Where(s => !string.IsNullOrEmpty(s)));
                text = Texts.Format("MetaLocation", Number(body, "latitude"), Number(body, "longitude"), place).Trim();
                break;
            case "button":
                text = Text(body, "text") ?? Text(body, "payload") ?? "";
                break;
            case "interactive":
                // The chatbot's lists and buttons use the option's number as its id: the answer reads as if typed.
                var reply = Child(body, "list_reply") ?? Child(body, "button_reply");
                text = reply is { } r ? Text(r, "id") ?? Text(r, "title") ?? "" : "";
                break;
            default:
                text = Texts.Format("MetaUnsupported", type ?? "?");
                break;
        }

        return new MetaInbound(phoneNumberId, display, from, id, text, names.GetValueOrDefault(from), media, types);
    }

    /// <summary>An error's "code": Meta's are integers; any other number is kept as written, within reason.</summary>
    private static string? ErrorCode(JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (code.TryGetInt64(out var n))
        {
            return n.ToString(CultureInfo.InvariantCulture);
        }

        var raw = code.GetRawText();
        return raw[..Math.Min(32, raw.Length)];
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : Enumerable.Empty<JsonElement>();

    /// <summary>A member that is an object, or null (whatever <paramref name="element"/> is).</summary>
    private static JsonElement? Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble().ToString("0.######", CultureInfo.InvariantCulture)
            : "?";
}
