using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Http;

/// <summary>HTTP content that copies a caller-owned stream without disposing it, so that a retry can send it again.</summary>
internal sealed class ReplayableStreamContent : HttpContent
{
    private readonly ReplayableStreamSource _source;

    public ReplayableStreamContent(ReplayableStreamSource source) => _source = source;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _source.Rewind().CopyToAsync(stream, cancellationToken);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _source.Rewind().CopyTo(stream);

    protected override bool TryComputeLength(out long length)
    {
        long? known = _source.Length;
        length = known ?? 0;
        return known is not null;
    }
}
