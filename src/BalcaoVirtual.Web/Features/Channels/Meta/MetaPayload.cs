using System.Globalization;
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

                var metadata = value.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
                var phoneNumberId = metadata.ValueKind == JsonValueKind.Object ? Text(metadata, "phone_number_id") : null;
                if (phoneNumberId is null)
                {
                    continue;
                }

                var display = new string((Text(metadata, "display_phone_number") ?? "").Where(char.IsAsciiDigit).ToArray());
                var names = Array(value, "contacts")
                    .Select(c => (Id: Text(c, "wa_id"), Name: c.TryGetProperty("profile", out var p) && p.ValueKind == JsonValueKind.Object ? Text(p, "name") : null))
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
                        var code = Array(status, "errors").Select(e => e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number
                            ? c.GetInt64().ToString(CultureInfo.InvariantCulture) : null).FirstOrDefault(c => c is not null);
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
        if (from is null || id is null || from.Length is < 8 or > 15 || !from.All(char.IsAsciiDigit))
        {
            return null;
        }

        var media = new List<string>();
        var types = new List<string>();
        var body = message.TryGetProperty(type ?? "", out var content) && content.ValueKind == JsonValueKind.Object ? content : default;
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
                var reply = body.ValueKind == JsonValueKind.Object
                    ? (body.TryGetProperty("list_reply", out var l) ? l : body.TryGetProperty("button_reply", out var b) ? b : default)
                    : default;
                text = reply.ValueKind == JsonValueKind.Object ? Text(reply, "id") ?? Text(reply, "title") ?? "" : "";
                break;
            default:
                text = Texts.Format("MetaUnsupported", type ?? "?");
                break;
        }

        return new MetaInbound(phoneNumberId, display, from, id, text, names.GetValueOrDefault(from), media, types);
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : Enumerable.Empty<JsonElement>();

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble().ToString("0.######", CultureInfo.InvariantCulture)
            : "?";
}
