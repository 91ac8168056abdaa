using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Http;

/// <summary>
/// Walks a cursor-paginated list lazily: fetches the first page (no <c>after</c>), then the page after each page's
/// <see cref="CursorPage{T}.LastId"/> while <see cref="CursorPage{T}.HasMore"/> holds. Each enumeration starts over.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class CursorPager<T> : IAsyncEnumerable<T>
{
    private readonly Func<string?, CancellationToken, ValueTask<CursorPage<T>>> _fetchPage;

    /// <summary>Creates a pager.</summary>
    /// <param name="fetchPage">Fetches the page after a cursor (<see langword="null"/> for the first page).</param>
    public CursorPager(Func<string?, CancellationToken, ValueTask<CursorPage<T>>> fetchPage)
    {
        ArgumentNullException.ThrowIfNull(fetchPage);
        _fetchPage = fetchPage;
    }

    /// <summary>Enumerates the pages themselves, for access to page-level fields.</summary>
    /// <param name="cancellationToken">Cancels the walk.</param>
    public async IAsyncEnumerable<CursorPage<T>> AsPagesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        while (true)
        {
            CursorPage<T> page = await _fetchPage(after, cancellationToken).ConfigureAwait(false);
            yield return page;
            // Stop when the server says so, gives no cursor, or repeats one (which would loop forever).
            if (!page.HasMore || page.Items.Count == 0 || string.IsNullOrEmpty(page.LastId) || page.LastId == after)
            {
                yield break;
            }
            after = page.LastId;
        }
    }

    /// <summary>Enumerates every item across pages.</summary>
    /// <param name="cancellationToken">Cancels the walk.</param>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (CursorPage<T> page in AsPagesAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (T item in page.Items)
            {
                yield return item;
            }
        }
    }
}
