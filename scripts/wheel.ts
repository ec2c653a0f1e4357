/** The wheel builder lives in plugins/ (the image check builds stub wheels at run time); re-exported for the tests and scripts. */
export * from "../plugins/wheel";
