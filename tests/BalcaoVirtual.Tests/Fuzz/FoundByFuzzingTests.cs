using System.Text;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Channels.Meta;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;
using MimeKit;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>Each input the fuzzers found that threw, kept as a plain test of what the service now does with it.</summary>
public sealed class FoundByFuzzingTests
{
    private const string Envelope = """
        {"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922","display_phone_number":"559140080001"},
        "contacts":CONTACTS,"messages":[{"from":"5591981234567","id":"wamid.1","type":"text","text":{"body":BODY}}],
        "statuses":[{"id":"wamid.0","status":"failed","recipient_id":"5591981234567","errors":[{"code":CODE}]}]}}]}]}
        """;

    private static (List<MetaInbound> Messages, List<MetaStatus> Statuses) Meta(string contacts = "[]", string body = "\"oi\"", string code = "131047") =>
        MetaPayload.Parse(Encoding.UTF8.GetBytes(Envelope.Replace("CONTACTS", contacts, StringComparison.Ordinal)
            .Replace("BODY", body, StringComparison.Ordinal).Replace("CODE", code, StringComparison.Ordinal)));

    [Test]
    public void Meta_AContactThatIsNotAnObject_IsLeftOut_TheMessageKept() =>
        Assert.That(Meta(contacts: "[false, 3, \"x\", {\"wa_id\":\"5591981234567\",\"profile\":[]}]").Messages.Single().ProfileName, Is.Null);

    [Test]
    public void Meta_HalfAnEscapedEmoji_IsReadAsReplacementCharacter_TheMessageKept()
    {
        var (messages, _) = Meta(body: "\"bom dia \\ud83d e \\ud83d\\ude00 e \\\\ud83d\"");
        Assert.That(messages.Single().Text, Is.EqualTo("bom dia \ufffd e 😀 e \\ud83d"));
    }

    [TestCase("1.5", "1.5")]
    [TestCase("1e400", "1e400")]
    [TestCase("131047", "131047")]
    public void Meta_AnErrorCodeOfAnyNumber_IsKept(string code, string expected) =>
        Assert.That(Meta(code: code).Statuses.Single().ErrorCode, Is.EqualTo(expected));

    [Test]
    public void Chatbot_TextWithHalfASurrogatePairOrUFFFE_IsNormalized() =>
        Assert.That(TextMatching.Normalize("Mara\ud800bá \ufffe vara"), Is.EqualTo("mara ba vara"));

    [Test]
    public void Catalogue_ANullEntry_IsRefusedNamingWhere()
    {
        var doc = JsonNode.Parse(File.ReadAllText(RepoPaths.File("deploy", "units", "trt8.sample.json")))!;
        doc["units"]!.AsArray().Add(null);
        doc["units"]![0]!["municipalities"]!.AsArray().Insert(0, null);
        var ex = Assert.Throws<UnitCatalogException>(() => UnitCatalogLoader.Parse(doc.ToJsonString(), "units.json"));
        Assert.That(ex!.Message, Does.Contain($"unit '{doc["units"]![0]!["id"]}' field 'municipalities[0]'").And.Contain("empty (null)"));
    }

    [Test]
    public void Catalogue_ADurationOfMoreHoursThanAnIntHolds_IsRefusedNamingWhere()
    {
        // Found at scale (bench/run-fuzz.sh 10): "99999999999:00:00" overflowed int.Parse and crashed start-up.
        var doc = JsonNode.Parse(File.ReadAllText(RepoPaths.File("deploy", "units", "trt8.sample.json")))!;
        doc["units"]![0]!["sla"]!["responseWindow"] = "99999999999:00:00";
        var ex = Assert.Throws<UnitCatalogException>(() => UnitCatalogLoader.Parse(doc.ToJsonString(), "units.json"));
        Assert.That(ex!.Message, Does.Contain("responseWindow"));
        Assert.That(UnitCatalogLoader.TryParseDuration("999999:00:00", out var longest) && longest == TimeSpan.FromHours(999_999), Is.True);
    }

    [Test]
    public void Catalogue_AUnitThatIsNotAnObject_IsRefusedNamingWhere()
    {
        var ex = Assert.Throws<UnitCatalogException>(() => UnitCatalogLoader.Parse("""{"courts":[{}],"units":[false]}""", "units.json"));
        Assert.That(ex!.Message, Does.Contain("unit '#1'"));
    }

    [Test]
    public void Bounce_WithUnreadableReturnedHeaders_NamesNoMessage()
    {
        var headers = new MimePart("text", "rfc822-headers") { Content = new MimeContent(new MemoryStream("\u0005\"broken\r\nno colon\r\n"u8.ToArray())) };
        var report = new MimeMessage([MailboxAddress.Parse("mailer-daemon@exemplo.com.br")], [MailboxAddress.Parse("vt7macapa@trt8.jus.br")], "Falha",
            new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Falhou." }, headers });
        Assert.That(MailHeaders.BouncedMessageId(report), Is.Null);
    }
}
