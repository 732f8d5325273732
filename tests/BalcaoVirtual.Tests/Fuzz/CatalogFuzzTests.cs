using System.Text;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>
/// The units catalogue is a file the court's IT staff edit by hand. Whatever it holds, the service either starts with it
/// or stops with a <see cref="UnitCatalogException"/> that says what is wrong (the start-up error); never another
/// exception, never a hang.
/// </summary>
public sealed class CatalogFuzzTests
{
    private static readonly string[] Samples =
    [
        File.ReadAllText(RepoPaths.File("deploy", "units", "trt8.sample.json")),
        File.ReadAllText(RepoPaths.File("deploy", "units", "tre-pa.sample.json")),
    ];

    private static readonly string[] Keys =
    [
        "courts", "units", "id", "name", "court", "city", "state", "cnjCode", "dataJudIndex", "timeZone", "ibgeCode", "municipalities",
        "originCodes", "foraDaSede", "channels", "whatsApp", "sms", "email", "phone", "videoDeskUrl", "serviceHours", "days", "from", "to",
        "sla", "responseWindow", "counting", "warnBefore", "escalateAfter", "escalation", "managers", "mailbox", "imap", "smtp", "host",
        "port", "security", "user", "folder", "processedFolder", "plusAddressing", "calendar", "holidays",
    ];

    private static readonly string[] Tokens =
    [
        .. Keys.Select(k => $"\"{k}\":"), "{", "}", "[", "]", ",", "\"", "null", "true", "-1", "0", "99999999999999999999", "1e400", "\"\"",
        "\"00:00\"", "\"24:00\"", "\"23:59\"", "\"48:00\"", "\"-01:00\"", "\"business\"", "\"calendar\"", "\"America/Belem\"", "\"Mars/Olympus\"",
        "\"+559140080001\"", "\"5.08\"", "\"0001\"", "\"PA\"", "\"https://meet.google.com/abc-defg-hij\"", "\"javascript:alert(1)\"", "//", "/*",
    ];

    [Test]
    public void AnyCatalogueShape_StartsOrIsRefusedWithAReason() => Fuzzer.Run("catalog-shape", 30_000,
        r => JsonShapes.Bend(r, JsonNode.Parse(Samples[r.Next(Samples.Length)])!, Keys)?.ToJsonString() ?? "null",
        Check);

    [Test]
    public void AnyCatalogueBytes_StartOrAreRefusedWithAReason() => Fuzzer.Run("catalog-bytes", 30_000,
        r => Mutator.Text(r, Samples, Tokens),
        Check);

    private static void Check(string json)
    {
        try
        {
            var catalog = UnitCatalogLoader.Parse(json, "units.json");
            Assert.That(catalog.Units.All(u => u.Id.Length > 0 && u.Name.Length > 0), Is.True, "every unit it takes has an id and a name");
        }
        catch (UnitCatalogException ex)
        {
            Assert.That(ex.Message, Does.Contain("units.json"), "the error names the file");
            Assert.That(ex.Message.Length, Is.GreaterThan("units.json".Length + 10), "and says what is wrong");
        }
    }
}
