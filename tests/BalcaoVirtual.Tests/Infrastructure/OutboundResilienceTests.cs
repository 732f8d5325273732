using System.Net;
using BalcaoVirtual.Web.Infrastructure.Http;
using Polly;
using Polly.Timeout;

namespace BalcaoVirtual.Tests.Infrastructure;

/// <summary>
/// Which failures the outbound HTTP clients try again at once: only what cannot happen twice (a connection never made;
/// a read the provider calls transient, with a short Retry-After). A send's 429 or 5xx, and any timeout, go back to
/// the caller (the durable outbox, DataJud's pause).
/// </summary>
public sealed class OutboundResilienceTests
{
    [TestCase(HttpRequestError.ConnectionError, true)]
    [TestCase(HttpRequestError.NameResolutionError, true)]
    [TestCase(HttpRequestError.SecureConnectionError, true)]
    [TestCase(HttpRequestError.ResponseEnded, false)]
    [TestCase(HttpRequestError.Unknown, false)]
    public void ConnectionFailures_AreRetried_OnlyWhenNothingWasSent(HttpRequestError error, bool retried) =>
        Assert.That(OutboundResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException(error, "x"))), Is.EqualTo(retried));

    [Test]
    public void Timeouts_AreNotRetried_TheRequestMayHaveArrived() =>
        Assert.That(OutboundResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())), Is.False);

    [TestCase("POST", HttpStatusCode.TooManyRequests, null, false)]
    [TestCase("POST", HttpStatusCode.ServiceUnavailable, null, false)]
    [TestCase("GET", HttpStatusCode.ServiceUnavailable, null, true)]
    [TestCase("GET", HttpStatusCode.TooManyRequests, 1, true)]
    [TestCase("GET", HttpStatusCode.TooManyRequests, 30, false)]
    [TestCase("GET", HttpStatusCode.InternalServerError, null, false)]
    [TestCase("GET", HttpStatusCode.NotFound, null, false)]
    public void Answers_AreRetried_OnlyForReads_WhenTransient_AndSoon(string method, HttpStatusCode status, int? retryAfterSeconds, bool retried)
    {
        using var response = new HttpResponseMessage(status) { RequestMessage = new HttpRequestMessage(new HttpMethod(method), "https://provider.invalid/x") };
        response.Headers.RetryAfter = retryAfterSeconds is { } s ? new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(s)) : null;

        Assert.That(OutboundResilience.ShouldRetry(Outcome.FromResult(response)), Is.EqualTo(retried));
    }
}
