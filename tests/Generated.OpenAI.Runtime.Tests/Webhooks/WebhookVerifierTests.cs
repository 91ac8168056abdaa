using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Generated.OpenAI.Webhooks;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Webhooks;

public sealed class WebhookVerifierTests
{
    private static readonly DateTimeOffset s_now = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private static readonly string s_secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("""{"object":"event","id":"evt_1","type":"response.completed","data":{"id":"resp_1"}}""");
    private const string WebhookId = "wh_685342e6c53c8190a1be43f081506c52";

    private static WebhookVerifier Verifier(string? secret = null) => new(secret ?? s_secret, timeProvider: new FixedTimeProvider(s_now));

    private static string Timestamp(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>HMAC-SHA256 computed here, independently of the verifier, over "{id}.{timestamp}.{body}".</summary>
    private static string Signature(string secret, string id, string timestamp, byte[] body)
    {
        byte[] key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] content = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    [Fact]
    public void AValidSignatureIsAccepted()
    {
        string timestamp = Timestamp(s_now);
        Verifier().Verify(s_body, WebhookId, timestamp, Signature(s_secret, WebhookId, timestamp, s_body));
        Assert.True(Verifier().IsValid(s_body, WebhookId, timestamp, Verifier().Sign(WebhookId, s_now, s_body)));
    }

    [Fact]
    public void TheStandardWebhooksReferenceVectorIsAccepted()
    {
        // The example from the Standard Webhooks specification.
        var verifier = new WebhookVerifier("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", timeProvider: new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1614265330)));
        verifier.Verify("""{"test": 2432232314}""", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Fact]
    public void ATamperedBodyIsRejected()
    {
        string timestamp = Timestamp(s_now);
        string signature = Signature(s_secret, WebhookId, timestamp, s_body);
        byte[] tampered = (byte[])s_body.Clone();
        tampered[^3] ^= 1;

        var ex = Assert.Throws<WebhookVerificationException>(() => Verifier().Verify(tampered, WebhookId, timestamp, signature));
        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, ex.Reason);
        Assert.Throws<WebhookVerificationException>(() => Verifier().Verify(s_body, "wh_other", timestamp, signature));
    }

    [Fact]
    public void AWrongSecretIsRejected()
    {
        string timestamp = Timestamp(s_now);
        string otherSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var ex = Assert.Throws<WebhookVerificationException>(
            () => Verifier(otherSecret).Verify(s_body, WebhookId, timestamp, Signature(s_secret, WebhookId, timestamp, s_body)));
        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, ex.Reason);
        Assert.DoesNotContain(s_secret["whsec_".Length..], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOldTimestampIsRejectedEvenWithAValidSignature()
    {
        string old = Timestamp(s_now.AddMinutes(-5).AddSeconds(-1));
        var ex = Assert.Throws<WebhookVerificationException>(
            () => Verifier().Verify(s_body, WebhookId, old, Signature(s_secret, WebhookId, old, s_body)));
        Assert.Equal(WebhookVerificationFailure.TimestampTooOld, ex.Reason);

        string justInside = Timestamp(s_now.AddMinutes(-5).AddSeconds(1));
        Verifier().Verify(s_body, WebhookId, justInside, Signature(s_secret, WebhookId, justInside, s_body));
    }

    [Fact]
    public void AFutureTimestampIsRejectedEvenWithAValidSignature()
    {
        string future = Timestamp(s_now.AddMinutes(5).AddSeconds(1));
        var ex = Assert.Throws<WebhookVerificationException>(
            () => Verifier().Verify(s_body, WebhookId, future, Signature(s_secret, WebhookId, future, s_body)));
        Assert.Equal(WebhookVerificationFailure.TimestampTooNew, ex.Reason);
    }

    [Fact]
    public void AnyMatchingSignatureAmongSeveralIsAccepted()
    {
        string timestamp = Timestamp(s_now);
        string valid = Signature(s_secret, WebhookId, timestamp, s_body);
        string otherKeys = Signature("whsec_" + Convert.ToBase64String(new byte[32]), WebhookId, timestamp, s_body);

        Verifier().Verify(s_body, WebhookId, timestamp, $"{otherKeys} v1a,bm90LWEtc2lnbmF0dXJl {valid}");
        Verifier().Verify(s_body, WebhookId, timestamp, $"{valid} {otherKeys}");
        Assert.Throws<WebhookVerificationException>(() => Verifier().Verify(s_body, WebhookId, timestamp, $"{otherKeys} v2,{valid[3..]} garbage"));
    }

    [Fact]
    public void MissingHeadersAndBadTimestampsAreRejected()
    {
        string timestamp = Timestamp(s_now);
        string signature = Signature(s_secret, WebhookId, timestamp, s_body);

        Assert.Equal(WebhookVerificationFailure.MissingHeader,
            Assert.Throws<WebhookVerificationException>(() => Verifier().Verify(s_body, null, timestamp, signature)).Reason);
        Assert.Equal(WebhookVerificationFailure.MissingHeader,
            Assert.Throws<WebhookVerificationException>(() => Verifier().Verify(s_body, _ => null)).Reason);
        Assert.Equal(WebhookVerificationFailure.InvalidTimestamp,
            Assert.Throws<WebhookVerificationException>(() => Verifier().Verify(s_body, WebhookId, "yesterday", signature)).Reason);
    }

    [Fact]
    public void HeadersCanBeReadThroughALookup()
    {
        string timestamp = Timestamp(s_now);
        string signature = Signature(s_secret, WebhookId, timestamp, s_body);

        Verifier().Verify(s_body, name => name switch
        {
            WebhookVerifier.IdHeader => WebhookId,
            WebhookVerifier.TimestampHeader => timestamp,
            WebhookVerifier.SignatureHeader => signature,
            _ => null,
        });
    }

    [Fact]
    public void ASecretThatIsNotBase64IsRefusedUpFront()
    {
        Assert.Throws<ArgumentException>(() => new WebhookVerifier("whsec_not base64!"));
    }
}
