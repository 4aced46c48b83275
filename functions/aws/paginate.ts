/** Walks a NextToken-paginated API. */
export async function* paginate<T extends { NextToken?: string | undefined }>(
  fetchPage: (nextToken: string | undefined) => Promise<T>,
): AsyncGenerator<T> {
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    yield page;
    token = page.NextToken;
  } while (token !== undefined && token !== '');
}
