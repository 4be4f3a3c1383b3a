import type { TestGateway } from './app.js';

const ERRORS = '... on Error { message code } ... on BadInputError { fields { path message } } ... on ConflictError { fields { path message } }';

/**
 * Runs mutation `name(input: $input)` and answers its payload (typed error results included) or,
 * when GraphQL refused it, `{ error: <extensions.code> }`. `select` picks the success fields.
 */
export async function mutate(gw: TestGateway, name: string, input: unknown, token: string | null, select = '__typename'): Promise<any> {
  const inputType = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  const success = `${name.charAt(0).toUpperCase()}${name.slice(1)}Success`;
  const res = await gw.gql(
    `mutation($input: ${inputType}!) { ${name}(input: $input) { __typename ... on ${success} { ${select} } ${ERRORS} } }`,
    { input },
    token,
  );
  if (res.body.errors) return { error: res.body.errors[0].extensions?.code, message: res.body.errors[0].message };
  return res.body.data[name];
}

/** A legacy REST client for a shim mounted at `base`: answers status and parsed JSON body. */
export function restClient(gw: TestGateway, base: string, scheme: 'Bearer' | 'bare' = 'Bearer') {
  return async (method: string, path: string, token: string | null, json?: unknown) => {
    const headers: Record<string, string> = token ? { authorization: scheme === 'bare' ? token : `Bearer ${token}` } : {};
    const res = await gw.request(`${base}${path}`, { method, headers, ...(json === undefined ? {} : { json }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
