using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Simulator;

internal abstract partial class RealtimeConnection
{
    /// <summary>
    /// Closes the WebSocket from outside the receive loop (a hang up): sends the close frame under the send lock; the
    /// loop then reads the client's close and ends. Does nothing when the socket is no longer open.
    /// </summary>
    public async Task CloseFromServerAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        Closed = true;
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                await Socket.CloseOutputAsync(status, description, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // The client went away meanwhile.
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
