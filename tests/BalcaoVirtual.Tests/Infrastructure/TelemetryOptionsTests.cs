using BalcaoVirtual.Web.Infrastructure.Telemetry;

namespace BalcaoVirtual.Tests.Infrastructure;

public sealed class TelemetryOptionsTests
{
    [Test]
    public void Defaults_ExportNoTraces_AndAreValid() =>
        Assert.That(new TelemetryOptionsValidator().Validate(null, new TelemetryOptions()).Succeeded, Is.True);

    [TestCase("/relative", 0.5, "Telemetry:OtlpEndpoint")]
    [TestCase("ftp://collector:4318", 0.5, "Telemetry:OtlpEndpoint")]
    [TestCase("http://127.0.0.1:4318", 1.5, "Telemetry:SampleRatio")]
    [TestCase("http://127.0.0.1:4318", -0.1, "Telemetry:SampleRatio")]
    public void BadSettings_AreRefusedNamingTheKey(string endpoint, double ratio, string key)
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { OtlpEndpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute), SampleRatio = ratio });
        Assert.That(result.FailureMessage, Does.Contain(key));
    }
}
