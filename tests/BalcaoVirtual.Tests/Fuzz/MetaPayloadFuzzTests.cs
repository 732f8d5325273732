using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Channels.Meta;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>
/// Meta's webhook JSON: the webhook refuses what is not JSON (400) and reads everything else with
/// <see cref="MetaPayload"/>, which must take any shape of JSON (a number where a string was, an object where an
/// array was, numbers too large for any type) without throwing, and never make up a message out of nothing.
/// </summary>
public sealed class MetaPayloadFuzzTests
{
    private const string Secret = "segredo-do-app-meta";

    private const string Sample = """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"55 91 4008-0001","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Maria José"},"wa_id":"5591981234567"}],
        "messages":[{"from":"5591981234567","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUZBM0I3RjE0RTNBNjg5RjM4MgA=","timestamp":"1749416383","type":"text","text":{"body":"Olá, processo 0001234-56.2024.5.08.0001"}},
        {"from":"5591981234567","id":"wamid.2","timestamp":"1749416384","type":"image","image":{"caption":"petição","mime_type":"image/jpeg","sha256":"x","id":"1003383421387256"}},
        {"from":"5591981234567","id":"wamid.3","type":"location","location":{"latitude":-1.4558,"longitude":-48.4902,"name":"Fórum","address":"Belém"}},
        {"from":"5591981234567","id":"wamid.4","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"2","title":"Processo"}}},
        {"from":"5591981234567","id":"wamid.5","type":"button","button":{"text":"Sim","payload":"sim"}},
        {"from":"5591981234567","id":"wamid.6","type":"reaction","reaction":{"emoji":"👍","message_id":"wamid.1"}}],
        "statuses":[{"id":"wamid.7","status":"failed","timestamp":"1749416385","recipient_id":"5591981234567","errors":[{"code":131047,"title":"Re-engagement message"}]}]},
        "field":"messages"}]}]}
        """;

    private static readonly string[] Keys =
    [
        "object", "entry", "id", "changes", "value", "field", "messages", "metadata", "display_phone_number", "phone_number_id",
        "contacts", "profile", "name", "wa_id", "from", "timestamp", "type", "text", "body", "image", "audio", "video", "document",
        "sticker", "caption", "mime_type", "location", "latitude", "longitude", "address", "interactive", "list_reply",
        "button_reply", "title", "button", "payload", "statuses", "status", "recipient_id", "errors", "code",
    ];

    private static readonly string[] Tokens =
    [
        .. Keys.Select(k => $"\"{k}\":"), "{", "}", "[", "]", ",", "\"", ":", "null", "true", "false", "0", "-1", "1e400", "-1e400",
        "1.5", "18446744073709551616", "\"\\ud800\"", "\"\\u0000\"", "\"messages\"", "\"text\"", "[[[[[[[[[[", "]]]]]]]]]]",
    ];

    [Test]
    public void AnyJsonShape_IsReadNeverThrows() => Fuzzer.Run("meta-json-shape", 100_000,
        r => (r.Next(3) == 0 ? JsonShapes.Any(r, Keys) : JsonShapes.Bend(r, JsonNode.Parse(Sample)!, Keys))?.ToJsonString() ?? "null",
        json =>
        {
            var (messages, statuses) = MetaPayload.Parse(Encoding.UTF8.GetBytes(json));
            Assert.That(messages.All(m => m.From.Length is >= 8 and <= 15 && m.From.All(char.IsAsciiDigit) && m.Wamid.Length > 0), Is.True,
                "a message is read only with a sender of 8 to 15 digits and an id");
            Assert.That(statuses.All(s => s.Wamid.Length >= 0 && s.Status is not null), Is.True);
        });

    [Test]
    public void AnyBytes_AreRefusedAsNotJsonOrRead_NeverThrow() => Fuzzer.Run("meta-json-bytes", 150_000,
        r => Mutator.Bytes(r, [Encoding.UTF8.GetBytes(Sample)], Tokens),
        body =>
        {
            // As the webhook does: the signature first (over any bytes), then JSON or a 400, then the reader.
            Assert.That(MetaSignature.IsValid(Secret, body, MetaSignature.Compute(Secret, body)), Is.True);
            _ = MetaSignature.IsValid(Secret, body, Encoding.Latin1.GetString(body, 0, Math.Min(80, body.Length)));
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                return; // the webhook's 400
            }

            try
            {
                _ = MetaPayload.Parse(body);
            }
            catch (JsonException)
            {
                // the webhook's 400
            }
        });
}
