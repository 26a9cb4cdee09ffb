#!/usr/bin/env python3
"""gen-sam-policy-templates.py copies the SAM policy templates of the installed
AWS SAM translator (aws-sam-translator, Apache License 2.0) into
internal/sam/policy_templates.json, which internal/sam embeds, and rewrites
internal/sam/policy_templates.SOURCE.md with the translator's version.

  scripts/gen-sam-policy-templates.py [PATH_TO_policy_templates.json]

Without an argument the file comes from the samtranslator package python3
imports. The data is copied as the translator ships it (same templates,
parameters and definitions), re-indented.
"""
import datetime
import json
import os
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "internal", "sam")


def main():
    version = "unknown"
    if len(sys.argv) > 1:
        src = sys.argv[1]
    else:
        import samtranslator

        version = samtranslator.__version__
        src = os.path.join(os.path.dirname(samtranslator.__file__), "policy_templates_data", "policy_templates.json")
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    out = os.path.join(HERE, "policy_templates.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    names = sorted(data["Templates"])
    with open(os.path.join(HERE, "policy_templates.SOURCE.md"), "w", encoding="utf-8") as f:
        f.write(
            "# policy_templates.json: SAM policy templates\n\n"
            f"- Source: aws-sam-translator {version} (https://github.com/aws/serverless-application-model),\n"
            "  `samtranslator/policy_templates_data/policy_templates.json`\n"
            "- License: Apache License 2.0, Copyright Amazon.com, Inc. or its affiliates\n"
            f"- Generated: {datetime.date.today().isoformat()} by `scripts/gen-sam-policy-templates.py`\n"
            f"- Content: {len(names)} templates, document version {data.get('Version')}\n\n"
            "`TestPolicyTemplatesMatchPythonTranslator` compares every template's expansion with the\n"
            "installed translator's.\n"
        )
    print(f"gen-sam-policy-templates: {len(names)} templates from aws-sam-translator {version} -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
