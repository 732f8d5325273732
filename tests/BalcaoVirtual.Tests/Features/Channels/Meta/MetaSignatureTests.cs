using System.Net;
using System.Text;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Channels.Meta;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Tests.Features.Channels.Meta;

/// <summary>Meta's X-Hub-Signature-256 on the raw bytes (vectors from Python's hmac), and its payload and error codes.</summary>
public sealed class MetaSignatureTests
{
    private const string Secret = "segredo-do-app-meta";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Meta escapes non-ASCII as \uXXXX: the signature is over those bytes, never over a re-serialised body.
    private const string Escaped = """{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"text":{"body":"Ol\u00e1, audi\u00eancia?"}}]}}]}]}""";

    [Test]
    public void Signature_MatchesIndependentVectors_IncludingEscapedAndRawNonAscii()
    {
        Assert.That(MetaSignature.Compute(Secret, Encoding.UTF8.GetBytes(Escaped)), Is.EqualTo("sha256=da3d44e8fd13b9113919058cacf4fea82df58d36f3f84d18c5150f4f08b4e7e4"));
        Assert.That(MetaSignature.Compute(Secret, Encoding.UTF8.GetBytes("{\"body\":\"Olá\"}")), Is.EqualTo("sha256=dd4fcdfc648a28225bd62971b9010183acc37a1fda5713b77cc2b91e3564c06b"));
    }

    [Test]
    public void IsValid_RefusesAReserialisedBody_AWrongSecret_AndMalformedHeaders()
    {
        var raw = Encoding.UTF8.GetBytes(Escaped);
        var header = MetaSignature.Compute(Secret, raw);
        var reserialised = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(Escaped).RootElement, Relaxed));

        Assert.That(MetaSignature.IsValid(Secret, raw, header), Is.True);
        Assert.That(MetaSignature.IsValid(Secret, raw, header.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal)), Is.True, "hex case does not matter");
        Assert.That(MetaSignature.IsValid(Secret, reserialised, header), Is.False, "the same JSON written differently is another body");
        Assert.That(MetaSignature.IsValid("outro-segredo", raw, header), Is.False);
        Assert.That(MetaSignature.IsValid(Secret, raw, null), Is.False);
        Assert.That(MetaSignature.IsValid(Secret, raw, header[7..]), Is.False, "without the sha256= prefix");
        Assert.That(MetaSignature.IsValid(Secret, raw, "sha1=" + header[7..]), Is.False);
    }

    [Test]
    public void Payload_ReadsEveryEntryChangeMessageAndStatus_AndEachMessageType()
    {
        const string json = """
            {"object":"whatsapp_business_account","entry":[
              {"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
                "metadata":{"display_phone_number":"+55 96 2101-0210","phone_number_id":"106540352242922"},
                "contacts":[{"profile":{"name":"Maria"},"wa_id":"5596981234567"}],
                "messages":[
                  {"from":"5596981234567","id":"wamid.A","timestamp":"1763900000","type":"text","text":{"body":"Oi"}},
                  {"from":"5596981234567","id":"wamid.B","timestamp":"1763900001","type":"image","image":{"id":"MEDIA1","mime_type":"image/jpeg","caption":"comprovante"}},
                  {"from":"5596981234567","id":"wamid.C","timestamp":"1763900002","type":"location","location":{"latitude":0.0349,"longitude":-51.0694,"name":"Fórum"}},
                  {"from":"5596981234567","id":"wamid.D","timestamp":"1763900003","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"2","title":"Falar com a vara"}}},
                  {"from":"5596981234567","id":"wamid.E","timestamp":"1763900004","type":"button","button":{"payload":"p","text":"Sim"}},
                  {"from":"5596981234567","id":"wamid.F","timestamp":"1763900005","type":"reaction","reaction":{"message_id":"wamid.X","emoji":"👍"}},
                  {"id":"wamid.G","type":"text","text":{"body":"sem remetente"}}
                ]}}]},
              {"id":"1","changes":[{"field":"messages","value":{"metadata":{"display_phone_number":"559621010210","phone_number_id":"106540352242922"},
                "statuses":[{"id":"wamid.OUT","status":"failed","timestamp":"1763900010","recipient_id":"5596981234567","errors":[{"code":131047,"title":"Re-engagement message"}]}]}}]}
            ]}
            """;

        var (messages, statuses) = MetaPayload.Read(JsonDocument.Parse(json).RootElement);

        Assert.That(messages.Select(m => m.Wamid), Is.EqualTo(new[] { "wamid.A", "wamid.B", "wamid.C", "wamid.D", "wamid.E", "wamid.F" }), "one without a sender left out");
        Assert.Multiple(() =>
        {
            Assert.That(messages[0].Text, Is.EqualTo("Oi"));
            Assert.That(messages[0].ProfileName, Is.EqualTo("Maria"));
            Assert.That(messages[0].DisplayNumber, Is.EqualTo("559621010210"));
            Assert.That(messages[1].Media, Is.EqualTo(new[] { "meta-media:MEDIA1" }));
            Assert.That(messages[1].MediaTypes, Is.EqualTo(new[] { "image/jpeg" }));
            Assert.That(messages[1].Text, Is.EqualTo("comprovante"));
            Assert.That(messages[2].Text, Does.Contain("0.0349, -51.0694").And.Contain("Fórum"));
            Assert.That(messages[3].Text, Is.EqualTo("2"), "a list reply reads as the option's number");
            Assert.That(messages[4].Text, Is.EqualTo("Sim"));
            Assert.That(messages[5].Text, Does.Contain("reaction"));
            Assert.That(statuses.Single(), Is.EqualTo(new MetaStatus("106540352242922", "wamid.OUT", "failed", "5596981234567", "131047")));
        });
    }

    [TestCase(200, """{"messaging_product":"whatsapp","contacts":[{"input":"5596981234567","wa_id":"5596981234567"}],"messages":[{"id":"wamid.OK"}]}""", "sent")]
    [TestCase(400, """{"error":{"message":"(#130429) Rate limit hit","code":130429}}""", "retry")]
    [TestCase(400, """{"error":{"message":"(#131056) Pair rate limit","code":131056}}""", "retry")]
    [TestCase(500, "<html>bad gateway</html>", "retry")]
    [TestCase(400, """{"error":{"message":"Re-engagement","code":131047}}""", "failed:131047")]
    [TestCase(401, """{"error":{"message":"Token expired","code":190}}""", "failed:190")]
    [TestCase(400, """{"error":{"message":"Undeliverable","code":131026}}""", "failed:131026")]
    public void Interpret_BranchesOnTheErrorCode(int status, string body, string expected)
    {
        var outcome = MetaTransport.Interpret((HttpStatusCode)status, body);

        var actual = outcome switch
        {
            SendOutcome.Sent => "sent",
            SendOutcome.Retry => "retry",
            SendOutcome.Failed f => "failed:" + f.ErrorCode,
            _ => "?",
        };
        Assert.That(actual, Is.EqualTo(expected));
    }
}
