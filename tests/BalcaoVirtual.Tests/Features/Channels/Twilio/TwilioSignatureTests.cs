using System.Security.Cryptography;
using System.Text;
using BalcaoVirtual.Web.Features.Channels.Twilio;

namespace BalcaoVirtual.Tests.Features.Channels.Twilio;

/// <summary>
/// The check the webhooks run (Twilio's SDK, fed by <see cref="TwilioSignature.IsValid"/>) and the signing the dev phone
/// does, anchored on the vectors Twilio's own SDKs publish (auth token "12345",
/// https://mycompany.com/myapp.php?foo=1&amp;bar=2). Each rule has a case that must fail.
/// </summary>
public sealed class TwilioSignatureTests
{
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string SdkVector = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    private static List<KeyValuePair<string, IReadOnlyList<string>>> SdkParams() =>
    [
        P("CallSid", "CA1234567890ABCDE"),
        P("From", "+14158675309"),
        P("Digits", "1234"),
        P("To", "+18005551212"),
        P("Caller", "+14158675309"),
    ];

    [Test]
    public void Compute_MatchesTwilioSdkVector() =>
        Assert.That(TwilioSignature.Compute(Token, Url, SdkParams()), Is.EqualTo(SdkVector));

    [Test]
    public void IsValid_Accepts_SdkVector() =>
        Assert.That(TwilioSignature.IsValid(Token, Url, SdkParams(), SdkVector), Is.True);

    [Test]
    public void IsValid_Rejects_WrongToken() =>
        Assert.That(TwilioSignature.IsValid("54321", Url, SdkParams(), SdkVector), Is.False);

    [Test]
    public void IsValid_Rejects_TamperedValue()
    {
        var tampered = SdkParams();
        tampered[2] = P("Digits", "9999");
        Assert.That(TwilioSignature.IsValid(Token, Url, tampered, SdkVector), Is.False);
    }

    [Test]
    public void IsValid_Rejects_ExtraParameter()
    {
        var extra = SdkParams();
        extra.Add(P("Body", "oi"));
        Assert.That(TwilioSignature.IsValid(Token, Url, extra, SdkVector), Is.False);
    }

    [TestCase(null)]
    [TestCase("")]
    public void IsValid_Rejects_MissingOrEmptyHeader(string? signature) =>
        Assert.That(TwilioSignature.IsValid(Token, Url, SdkParams(), signature), Is.False);

    [Test]
    public void IsValid_Rejects_OtherQueryString() =>
        Assert.That(TwilioSignature.IsValid(Token, "https://mycompany.com/myapp.php?foo=1&bar=3", SdkParams(), SdkVector), Is.False);

    [Test]
    public void IsValid_Accepts_SignatureMadeWithPort_WhenRequestUrlHasNone()
    {
        var signedWithPort = TwilioSignature.Compute(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", SdkParams());
        Assert.That(TwilioSignature.IsValid(Token, Url, SdkParams(), signedWithPort), Is.True);
    }

    [Test]
    public void IsValid_Rejects_SignatureMadeWithAnotherPort()
    {
        var signedOnOtherPort = TwilioSignature.Compute(Token, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", SdkParams());
        Assert.That(TwilioSignature.IsValid(Token, Url, SdkParams(), signedOnOtherPort), Is.False);
    }

    [Test]
    public void IsValid_Rejects_WhenHostCaseDiffers()
    {
        var signed = TwilioSignature.Compute(Token, "https://MyCompany.com/myapp.php?foo=1&bar=2", SdkParams());
        Assert.That(TwilioSignature.IsValid(Token, Url, SdkParams(), signed), Is.False);
    }

    [Test]
    public void Compute_SortsByNameOnly_ReasonBeforeReasonConferenceEnded()
    {
        // Twilio's Go SDK vector: sorting name+value together would put "ReasonConferenceEndedtest" first.
        var parameters = SdkParams();
        parameters.Add(P("ReasonConferenceEnded", "test"));
        parameters.Add(P("Reason", "Participant"));
        Assert.That(TwilioSignature.Compute(Token, Url, parameters), Is.EqualTo("vOEb5UThFn24KEfnOFLQY2AE5FY="));
    }

    [Test]
    public void Compute_RepeatedName_ContributesEachDistinctValueSorted()
    {
        var expected = Hmac(Url + "MediaUrlaMediaUrlb");
        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.Compute(Token, Url, [P("MediaUrl", "b", "a")]), Is.EqualTo(expected));
            Assert.That(TwilioSignature.Compute(Token, Url, [P("MediaUrl", "b", "a", "b")]), Is.EqualTo(expected));
            Assert.That(TwilioSignature.Compute(Token, Url, [P("MediaUrl", "b")]), Is.Not.EqualTo(expected));
        });
    }

    [Test]
    public void Compute_UsesUtf8_ForAccentsAndApostrophes()
    {
        const string body = "Olá, d'Ávila! Ação nº 0000001 — obrigado";
        var expected = Hmac(Url + "Body" + body);
        Assert.That(TwilioSignature.Compute(Token, Url, [P("Body", body)]), Is.EqualTo(expected));
        Assert.That(TwilioSignature.Compute(Token, Url, [P("Body", "Ola, d'Avila! Acao no 0000001 - obrigado")]), Is.Not.EqualTo(expected));
    }

    // Twilio's SDK's own vectors (twilio-csharp test/Twilio.Test/Security/RequestValidatorTest.cs): host and scheme
    // case kept, credentials kept, a port added or removed; each through the check the webhook runs.
    [TestCase("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    [TestCase("https://MyCompany.com:1234/myapp.php?foo=1&bar=2", "PCqOZm8cnu/L6+u5i5fuEd+Iac4=")]
    [TestCase("http://MyCompany.com/myapp.php?foo=1&bar=2", "XY7AlKOKL6im4yWyX84gldUrtis=")]
    [TestCase("http://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "PJ08CxXr7KLPjEQCTc8LkUSMwSM=")]
    [TestCase("HTTP://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "hy/l8pca+LFms4cvRdv8uiP6NGc=")]
    [TestCase("http://Username:Password@MyCompany.com/myapp.php?foo=1&bar=2", "SkTSKyDJH9kUlhItI0slbgZ1UsI=")]
    public void IsValid_Accepts_TheSdksOfficialVectors(string url, string signature) =>
        Assert.That(TwilioSignature.IsValid(Token, url, SdkParams(), signature), Is.True);

    [TestCase("https://MyCompany.com/myapp.php?foo=1&bar=2")]
    [TestCase("https://MyCompany.com:1234/myapp.php?foo=1&bar=2")]
    [TestCase("http://MyCompany.com/myapp.php?foo=1&bar=2")]
    public void IsValid_Rejects_TheSdksVectorOverAnotherUrl(string url) =>
        Assert.That(TwilioSignature.IsValid(Token, url, SdkParams(), SdkVector), Is.False);

    [Test]
    public void IsValid_Accepts_RepeatedNames_AsTwilioSignsThem_AndRejectsAnotherValue()
    {
        var repeated = SdkParams();
        repeated.Add(P("Tag", "b", "a", "b"));
        var signed = TwilioSignature.Compute(Token, Url, repeated);
        Assert.That(TwilioSignature.IsValid(Token, Url, repeated, signed), Is.True);
        repeated[^1] = P("Tag", "b", "c");
        Assert.That(TwilioSignature.IsValid(Token, Url, repeated, signed), Is.False);
    }

    [TestCase("https://bad host/webhooks/twilio")]
    [TestCase("https://[::1/webhooks/twilio")]
    [TestCase("not a url")]
    [TestCase("")]
    public void IsValid_IsFalse_NeverThrows_ForAUrlTheSdkCannotRead(string url) =>
        Assert.That(TwilioSignature.IsValid(Token, url, SdkParams(), SdkVector), Is.False);

    private static KeyValuePair<string, IReadOnlyList<string>> P(string name, params string[] values) => new(name, values);

    private static string Hmac(string data) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data)));
}
