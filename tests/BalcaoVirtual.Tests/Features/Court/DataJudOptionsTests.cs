using BalcaoVirtual.Web.Features.Court.DataJud;

namespace BalcaoVirtual.Tests.Features.Court;

public sealed class DataJudOptionsTests
{
    [Test]
    public void Defaults_AreValid() =>
        Assert.That(new DataJudOptionsValidator().Validate(null, new DataJudOptions()).Succeeded, Is.True);

    [Test]
    public void EveryBadValue_IsNamed()
    {
        var options = new DataJudOptions
        {
            BaseUrl = new Uri("ftp://example.org"),
            Timeout = TimeSpan.Zero,
            CacheFor = TimeSpan.FromMinutes(-1),
            Backoff = TimeSpan.FromMinutes(10),
            MaxBackoff = TimeSpan.FromMinutes(1),
            Movements = 0,
            Indexes = { ["TRT8"] = "api publica" },
        };

        var failures = new DataJudOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.That(failures, Has.Some.Contains("DataJud:BaseUrl"));
        Assert.That(failures, Has.Some.Contains("DataJud:Timeout"));
        Assert.That(failures, Has.Some.Contains("DataJud:CacheFor"));
        Assert.That(failures, Has.Some.Contains("DataJud:MaxBackoff"));
        Assert.That(failures, Has.Some.Contains("DataJud:Movements"));
        Assert.That(failures, Has.Some.Contains("DataJud:Indexes:TRT8"));
    }
}
