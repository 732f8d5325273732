using System.Net.Http.Headers;
using TwilioRequest = global::Twilio.Http.Request;
using TwilioResponse = global::Twilio.Http.Response;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// The SDK's HTTP seam on the service's own <see cref="HttpClient"/> (from IHttpClientFactory: its resilience handler,
/// telemetry and timeout), one per call. It carries the call's cancellation, sends to the configured API origin
/// (Twilio's, or a fake on loopback), and keeps what the SDK drops when it turns an answer into an exception: the
/// answer itself (<see cref="global::Twilio.Http.HttpClient.LastResponse"/>, whose status an unreadable error body
/// loses) and Retry-After.
/// </summary>
internal sealed class TwilioHttp(HttpClient http, Uri apiBaseUrl, CancellationToken cancellationToken) : global::Twilio.Http.HttpClient
{
    /// <summary>Twilio's Retry-After on that answer, as a delay.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    public override TwilioResponse MakeRequest(TwilioRequest request) =>
        throw new NotSupportedException("The service calls Twilio asynchronously only.");

    public override async Task<TwilioResponse> MakeRequestAsync(TwilioRequest request)
    {
        // The SDK names Twilio's host (api.twilio.com, or a region's); the path and query are the API's own.
        using var message = new HttpRequestMessage(new HttpMethod(request.Method.ToString()), new Uri(apiBaseUrl, request.ConstructUrl().PathAndQuery));
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Authentication(request.Username, request.Password));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.PostParams.Count > 0)
        {
            message.Content = new FormUrlEncodedContent(request.PostParams);
        }

        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        RetryAfter = response.Headers.RetryAfter?.Delta;
        LastRequest = request;
        LastResponse = new TwilioResponse(response.StatusCode, body);
        return LastResponse;
    }
}
