using BalcaoVirtual.Web.Features.Channels.Twilio;

namespace BalcaoVirtual.Tests.Features.Channels.Twilio;

public sealed class TwilioOptionsValidatorTests
{
    private const string Sid = "AC0123456789abcdef0123456789abcdef";
    private readonly TwilioOptionsValidator validator = new();

    [Test]
    public void Validate_Fails_NamingPublicBaseUrl_WhenAccountHasNone() =>
        Assert.That(validator.Validate(null, new TwilioOptions { AccountSid = Sid, AuthToken = "t" }).FailureMessage, Does.Contain("Twilio:PublicBaseUrl"));

    [Test]
    public void Validate_Fails_NamingAuthToken_WhenOnlySidIsSet() =>
        Assert.That(validator.Validate(null, new TwilioOptions { AccountSid = Sid, PublicBaseUrl = new("https://x.jus.br") }).FailureMessage, Does.Contain("Twilio:AuthToken"));

    [Test]
    public void Validate_Fails_NamingTheEntry_ForMalformedAccountInList() =>
        Assert.That(
            validator.Validate(null, new TwilioOptions { PublicBaseUrl = new("https://x.jus.br"), Accounts = [new() { AccountSid = "ACnope", AuthToken = "t" }] }).FailureMessage,
            Does.Contain("Twilio:Accounts:0:AccountSid"));

    [Test]
    public void Validate_Succeeds_ForAccountWithPublicUrl() =>
        Assert.That(validator.Validate(null, new TwilioOptions { AccountSid = Sid, AuthToken = "t", PublicBaseUrl = new("https://balcao.trt8.jus.br") }).Succeeded, Is.True);

    [Test]
    public void TokensBySid_MergesSingleAccountAndList()
    {
        var options = new TwilioOptions { AccountSid = Sid, AuthToken = "a", Accounts = [new() { AccountSid = "AC" + new string('1', 32), AuthToken = "b" }] };
        Assert.That(options.TokensBySid().Keys, Is.EquivalentTo(new[] { Sid, "AC" + new string('1', 32) }));
    }

    [TestCase(201, "{\"sid\":\"SM1\",\"status\":\"queued\"}", "Sent")]
    [TestCase(429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}", "Retry")]
    [TestCase(503, "<html>unavailable</html>", "Retry")]
    [TestCase(400, "{\"code\":21211,\"message\":\"Invalid To\",\"status\":400}", "Failed")]
    [TestCase(400, "{\"code\":63016,\"message\":\"outside window\",\"status\":400}", "Failed")]
    [TestCase(401, "{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}", "Failed")]
    public void Interpret_ClassifiesTwilioAnswers(int status, string body, string outcome) =>
        Assert.That(TwilioTransport.Interpret((System.Net.HttpStatusCode)status, body).GetType().Name, Is.EqualTo(outcome));
}
