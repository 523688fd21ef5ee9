// Package charts holds the Helm chart (charts/vanthu) and the test that
// renders it with the Helm SDK and validates every manifest: Knative
// Services through knative.dev/serving's own types and Validate, eventing
// and source objects against the CRD schemas in ../shared/schemas/knative.
package charts
