using System.Net;
using BalcaoVirtual.Web.Infrastructure.Telemetry;

namespace BalcaoVirtual.Tests.Infrastructure;

public sealed class TelemetryTests
{
    [TestCase("127.0.0.1", true)]
    [TestCase("::1", true)]
    [TestCase("10.1.2.3", true)]
    [TestCase("192.168.0.10", true)]
    [TestCase("::ffff:172.16.5.4", true)]
    [TestCase("200.152.38.1", false)]
    [TestCase("2804:14c::1", false)]
    public void Metrics_AreServedOnlyToThisMachineOrAPrivateNetwork(string address, bool allowed) =>
        Assert.That(TelemetryFeature.IsInternal(IPAddress.Parse(address)), Is.EqualTo(allowed));
}
